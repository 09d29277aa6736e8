import { concat } from '../../bytes/util.ts';
import type { CryptoProvider, HashAlgorithm, HashContext } from '../../crypto/provider.ts';

/**
 * The TLS 1.2 handshake messages so far (RFC 5246 §7.4.8, §7.4.9): their running hash for
 * Finished and the extended master secret, and the messages themselves, which a
 * CertificateVerify signs whole.
 */
export class HandshakeLog {
  private readonly messages: Uint8Array[] = [];
  private readonly context: HashContext;

  constructor(provider: CryptoProvider, hash: HashAlgorithm, first: readonly Uint8Array[]) {
    this.context = provider.createHash(hash);
    for (const m of first) this.add(m);
  }

  /** Add one whole handshake message (header included). */
  add(raw: Uint8Array): void {
    this.messages.push(raw);
    this.context.update(raw);
  }

  /** Hash(handshake_messages) of everything so far. */
  hash(): Uint8Array {
    return this.context.digest();
  }

  /** handshake_messages: every message so far, concatenated (what a CertificateVerify signs). */
  all(): Uint8Array {
    return concat(...this.messages);
  }
}
