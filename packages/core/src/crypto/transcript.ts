import { UsageError } from '../errors/tls-error.ts';
import { HandshakeType } from '../codec/enums.ts';
import type { CryptoProvider, HashAlgorithm, HashContext } from './provider.ts';

/**
 * The running handshake transcript (RFC 8446 §4.4.1). A client learns the hash only from
 * ServerHello, so messages are kept until `selectHash()`.
 */
export class Transcript {
  private buffered: Uint8Array[] = [];
  private context: HashContext | undefined;
  private algorithm: HashAlgorithm | undefined;

  /** An empty transcript hashing with `provider`. */
  constructor(private readonly provider: CryptoProvider) {}

  /** Add one whole handshake message (its 4-byte header included). */
  add(message: Uint8Array): void {
    if (this.context) this.context.update(message);
    else this.buffered.push(message.slice());
  }

  /** Fix the hash (from the cipher suite) and hash what was buffered. Idempotent for the same hash. */
  selectHash(algorithm: HashAlgorithm): void {
    if (this.algorithm !== undefined) {
      if (this.algorithm !== algorithm) throw new UsageError(`transcript hash is ${this.algorithm}, not ${algorithm}`);
      return;
    }
    this.algorithm = algorithm;
    this.context = this.provider.createHash(algorithm);
    for (const m of this.buffered) this.context.update(m);
    this.buffered = [];
  }

  private requireContext(): HashContext {
    if (!this.context) throw new UsageError('transcript hash used before selectHash()');
    return this.context;
  }

  /** Transcript-Hash of everything added so far. */
  hash(): Uint8Array {
    return this.requireContext().digest();
  }

  /** Transcript-Hash of everything so far followed by `extra` (not kept): for PSK binders. */
  hashWith(extra: Uint8Array): Uint8Array {
    return this.requireContext().clone().update(extra).digest();
  }

  /**
   * RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by the synthetic
   * message_hash message: `message_hash || 00 00 Hash.length || Hash(ClientHello1)`.
   * Call it when the HelloRetryRequest arrives, after `selectHash()` and before adding the HRR.
   */
  replaceWithMessageHash(): void {
    const hashOfHello = this.hash();
    const next = this.provider.createHash(this.algorithm!);
    // struct { HandshakeType msg_type = message_hash (254); uint24 length = Hash.length; opaque hash[...] }
    next.update(new Uint8Array([HandshakeType.message_hash, 0, 0, hashOfHello.length]));
    next.update(hashOfHello);
    this.context = next;
  }
}
