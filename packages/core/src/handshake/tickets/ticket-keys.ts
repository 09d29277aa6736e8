import { UsageError } from '../../errors/tls-error.ts';
import { bytesEqual, wipe } from '../../bytes/util.ts';
import type { Aead, CryptoProvider } from '../../crypto/provider.ts';
import { nobleProvider } from '../../crypto/noble/index.ts';

/**
 * Seals and opens stateless session tickets (RFC 8446 §4.6.1 leaves the ticket's format to the
 * server). {@link TicketKeys} is the default; a test or a cluster may bring its own.
 */
export interface TicketProtector {
  /** Encrypt and authenticate `plaintext` into an opaque ticket. */
  seal(plaintext: Uint8Array): Uint8Array;
  /** The plaintext of a ticket this protector sealed, or undefined for anything else. Never throws on bad input. */
  open(ticket: Uint8Array): Uint8Array | undefined;
}

const KEY_ID_LENGTH = 16;
const NONCE_LENGTH = 12;
const KEY_LENGTH = 32;
// AES-256-GCM tag.
const TAG_LENGTH = 16;

interface TicketKey {
  readonly id: Uint8Array;
  readonly secret: Uint8Array;
  readonly aead: Aead;
}

/** Options for {@link TicketKeys}. */
export interface TicketKeysOptions {
  /** Randomness and AEAD. Default: the noble provider. */
  readonly provider?: CryptoProvider;
  /** Start from this 32-byte key (to share keys across processes); default: a random one. */
  readonly key?: Uint8Array;
}

/**
 * Rotating ticket keys (AES-256-GCM): a ticket is `key_id(16) || nonce(12) || ciphertext+tag`,
 * the key id as additional data. Share one object between contexts (or servers of a cluster
 * with the same `key`) so that any of them can open the others' tickets. `rotate()` starts a
 * new key and keeps the previous one for opening only, so tickets issued just before a
 * rotation still resume.
 */
export class TicketKeys implements TicketProtector {
  private readonly provider: CryptoProvider;
  private current: TicketKey;
  private previous: TicketKey | undefined;

  constructor(options: TicketKeysOptions = {}) {
    this.provider = options.provider ?? nobleProvider;
    if (options.key !== undefined && options.key.length !== KEY_LENGTH) throw new UsageError(`ticket key must be ${KEY_LENGTH} bytes`);
    this.current = this.makeKey((options.key && new Uint8Array(options.key)) ?? this.provider.randomBytes(KEY_LENGTH));
  }

  private makeKey(secret: Uint8Array): TicketKey {
    return { id: this.provider.randomBytes(KEY_ID_LENGTH), secret, aead: this.provider.createAead('AES-256-GCM', secret) };
  }

  /** Issue new tickets under a fresh key (or `key`); the key before it still opens tickets, the one before that no longer does. */
  rotate(key?: Uint8Array): void {
    if (key !== undefined && key.length !== KEY_LENGTH) throw new UsageError(`ticket key must be ${KEY_LENGTH} bytes`);
    if (this.previous) wipe(this.previous.secret);
    this.previous = this.current;
    this.current = this.makeKey((key && new Uint8Array(key)) ?? this.provider.randomBytes(KEY_LENGTH));
  }

  seal(plaintext: Uint8Array): Uint8Array {
    const { id, aead } = this.current;
    const nonce = this.provider.randomBytes(NONCE_LENGTH);
    const sealed = aead.seal(nonce, id, plaintext);
    const out = new Uint8Array(KEY_ID_LENGTH + NONCE_LENGTH + sealed.length);
    out.set(id, 0);
    out.set(nonce, KEY_ID_LENGTH);
    out.set(sealed, KEY_ID_LENGTH + NONCE_LENGTH);
    return out;
  }

  open(ticket: Uint8Array): Uint8Array | undefined {
    if (ticket.length < KEY_ID_LENGTH + NONCE_LENGTH + TAG_LENGTH) return undefined;
    const id = ticket.subarray(0, KEY_ID_LENGTH);
    const key = [this.current, this.previous].find((k) => k !== undefined && bytesEqual(k.id, id));
    if (key === undefined) return undefined;
    try {
      return key.aead.open(ticket.subarray(KEY_ID_LENGTH, KEY_ID_LENGTH + NONCE_LENGTH), key.id, ticket.subarray(KEY_ID_LENGTH + NONCE_LENGTH)) ?? undefined;
    } catch {
      return undefined;
    }
  }
}
