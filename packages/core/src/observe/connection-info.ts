import type { NegotiatedParameters } from '../handshake/events.ts';

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

/** The negotiated suite as {@link CipherInfo}, or null before the handshake. */
export function cipherInfo(negotiated: NegotiatedParameters | undefined): CipherInfo | null {
  return negotiated ? { name: negotiated.cipherSuite, standardName: negotiated.cipherSuite, version: negotiated.version } : null;
}
