import type { Duplex } from 'node:stream';
import type { PeerCertificate } from 'node:tls';
import type { ClientConfig, ClientContextOptions, MessageEvent, TlsClientContext } from '@rxtls/core';
import type { CaInput } from './contexts.ts';

/**
 * Options of {@link connect} (named as `tls.connect`'s `ConnectionOptions`): core's
 * {@link ClientContextOptions} (our certificate and what is negotiated) and the connection's
 * own. Names follow `tls.connect` where they mean the same thing; the rest are rxtls's own.
 */
export interface ConnectionOptions extends ClientContextOptions {
  /** Host to connect to (default `localhost`). */
  readonly host?: string;
  /** TCP port (required unless `socket` is given). */
  readonly port?: number;
  /** Local address to bind the TCP socket to. */
  readonly localAddress?: string;
  /** IP version for the host lookup: 4, 6 or 0 (both). */
  readonly family?: number;
  /**
   * Name for SNI and the host name check; default `host`. An IP address is checked against
   * the certificate's IP SANs but never sent as SNI.
   */
  readonly servername?: string;
  /** Trust anchors, PEM or DER, one or several. Default: `tls.rootCertificates` plus `NODE_EXTRA_CA_CERTS`. */
  readonly ca?: CaInput;
  /**
   * Default true: a peer that fails verification ends the handshake with a CertificateError.
   * false maps to rxtls's `dangerouslyDisableCertificateVerification`; the chain is then still
   * checked after the handshake to fill `authorized` and `authorizationError`, as Node does.
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * Extra check of the server's identity, with `tls.connect`'s signature: return (or throw) an
   * Error to refuse the certificate. Unlike Node's, it runs *in addition to* rxtls's host name
   * check, not instead of it (pinning, not relaxing). Mapped to rxtls's `verifyPeer`.
   */
  readonly checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined;
  /** The private key for `cert` (PKCS#8, SEC1 or PKCS#1 PEM, or DER), as `tls.connect`'s `key`. */
  readonly key?: string | Uint8Array;
  /** rxtls's own peer hook (runs after `checkServerIdentity`). */
  readonly verifyPeer?: ClientConfig['verifyPeer'];
  /** Run TLS over this stream instead of opening a TCP connection: a connected `net.Socket` or any Duplex. */
  readonly socket?: Duplex;
  /**
   * Milliseconds the handshake may take before it fails with a `HandshakeTimeoutError` and the
   * socket is destroyed (default 30000, core's `DEFAULT_HANDSHAKE_TIMEOUT_MS`; 0: none).
   */
  readonly handshakeTimeout?: number;
  /** Idle timeout in ms on the TCP socket ('timeout' event; the socket is not closed by it). */
  readonly timeout?: number;
  /** Keep our side writable after the peer's close_notify (default false, like `net.Socket`). */
  readonly allowHalfOpen?: boolean;
  /** The readable side's buffer, in bytes (default 16 KiB). */
  readonly highWaterMark?: number;
  /** TCP_NODELAY (default true). */
  readonly noDelay?: boolean;
  /**
   * Key log (NSS format, for Wireshark): `true` appends lines to the file named by
   * `SSLKEYLOGFILE`; a function receives each line. The 'keylog' event fires either way.
   */
  readonly keylog?: boolean | ((line: string) => void);
  /** Every record and message: `true` prints them to stderr like `openssl s_client -msg`; a function receives the events. */
  readonly trace?: boolean | ((event: MessageEvent) => void);
  /** Use this context (its trust anchors and options) instead of the shared one built from these options. */
  readonly context?: TlsClientContext;
}
