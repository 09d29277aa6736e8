import type { NegotiatedParameters } from '../handshake/events.ts';
import { TLS12_CIPHER_SUITES } from '../crypto/suites12.ts';

/** How a connection ended, emitted once by a transport's `close$`. */
export interface CloseInfo {
  /** No error, the peer's close_notify arrived, and ours was sent. */
  readonly clean: boolean;
  /** What ended the connection, when something failed (a TlsError, TransportError, ...). */
  readonly error?: Error;
}

/** What a transport's `getCipher()` returns (the shape of Node's `tls.TLSSocket#getCipher()`). */
export interface CipherInfo {
  readonly name: string;
  readonly standardName: string;
  readonly version: string;
}

/**
 * The negotiated suite as {@link CipherInfo}, or null before the handshake. As node:tls: a TLS
 * 1.2 suite's `name` is OpenSSL's (`ECDHE-RSA-AES128-GCM-SHA256`), a TLS 1.3 suite's the IANA one.
 */
export function cipherInfo(negotiated: NegotiatedParameters | undefined): CipherInfo | null {
  if (negotiated === undefined) return null;
  const suite12 = TLS12_CIPHER_SUITES.find((s) => s.name === negotiated.cipherSuite);
  return { name: suite12?.opensslName ?? negotiated.cipherSuite, standardName: negotiated.cipherSuite, version: negotiated.version };
}
