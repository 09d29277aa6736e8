import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { UsageError } from '../../errors/tls-error.ts';
import type { Aead, AeadAlgorithm } from '../provider.ts';
import { AesGcm } from './gcm.ts';

const KEY_LENGTH: Record<AeadAlgorithm, number> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'CHACHA20-POLY1305': 32 };

/** Every TLS 1.3 suite uses a 12-byte nonce (RFC 8446 §5.3, RFC 5116 §5.1/§5.3, RFC 8439). */
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

// AES-GCM comes from ./gcm.ts, which keeps the expanded key and the GHASH table per traffic
// key (noble's `gcm(key, nonce, aad)` rebuilds both on every call).

/** An AEAD bound to one key, over @noble/ciphers. */
class NobleAead implements Aead {
  readonly tagLength = TAG_LENGTH;
  constructor(
    private readonly algorithm: AeadAlgorithm,
    private readonly construct: typeof chacha20poly1305,
    private readonly key: Uint8Array,
  ) {}

  private checkNonce(nonce: Uint8Array): void {
    if (nonce.length !== NONCE_LENGTH) throw new UsageError(`${this.algorithm} nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    this.checkNonce(nonce);
    return this.construct(this.key, nonce, aad).encrypt(plaintext);
  }

  destroy(): void {
    this.key.fill(0);
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
    this.checkNonce(nonce);
    if (ciphertextAndTag.length < TAG_LENGTH) return null;
    try {
      return this.construct(this.key, nonce, aad).decrypt(ciphertextAndTag);
    } catch {
      return null; // the tag did not match
    }
  }
}

/**
 * An {@link Aead} for `algorithm` bound to a copy of `key`. A key of the wrong length, or a
 * nonce other than 12 bytes later, is the caller's mistake ({@link UsageError}); a ciphertext
 * that does not authenticate makes `open` return null.
 */
export function createNobleAead(algorithm: AeadAlgorithm, key: Uint8Array): Aead {
  const length = KEY_LENGTH[algorithm];
  if (length === undefined) throw new UsageError(`unknown AEAD ${String(algorithm)}`);
  if (key.length !== length) throw new UsageError(`${algorithm} needs a ${length}-byte key, got ${key.length}`);
  if (algorithm === 'CHACHA20-POLY1305') return new NobleAead(algorithm, chacha20poly1305, new Uint8Array(key));
  return new AesGcm(new Uint8Array(key)); // copies (a Buffer's slice() would be a view)
}
