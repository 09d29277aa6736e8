import type { Duplex } from 'node:stream';
import type { PeerCertificate } from 'node:tls';
import { UsageError, type CipherSuiteName, type ClientConfig, type CryptoProvider, type KeyExchangeGroup, type MessageEvent, type SignatureSchemeName, type TlsClientContext } from '@rxtls/core';
import type { CaInput } from './contexts.ts';

/**
 * Options of {@link connect}. Names follow `tls.connect` where they mean the same thing;
 * the rest are rxtls's own.
 */
export interface TlsSocketOptions {
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
  /** ALPN protocols to offer: names, or Node's wire format (length-prefixed names in one buffer). */
  readonly ALPNProtocols?: readonly (string | Uint8Array)[] | Uint8Array;
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
  /**
   * Our certificate chain (PEM or DER, leaf first) and its private key (PKCS#8, SEC1 or PKCS#1
   * PEM, or DER), sent when the server asks for a certificate (RFC 8446 §4.4.2), as
   * `tls.connect`'s `cert`/`key`. Without them a request is answered with an empty Certificate.
   */
  readonly cert?: CaInput;
  readonly key?: string | Uint8Array;
  /** rxtls's own peer hook (runs after `checkServerIdentity`). */
  readonly verifyPeer?: ClientConfig['verifyPeer'];
  /** Run TLS over this stream instead of opening a TCP connection: a connected `net.Socket` or any Duplex. */
  readonly socket?: Duplex;
  /** Idle timeout in ms on the TCP socket ('timeout' event; the socket is not closed by it). */
  readonly timeout?: number;
  /** Keep our side writable after the peer's close_notify (default false, like `net.Socket`). */
  readonly allowHalfOpen?: boolean;
  /** The readable side's buffer, in bytes (default 16 KiB). */
  readonly highWaterMark?: number;
  /** TCP_NODELAY (default true). */
  readonly noDelay?: boolean;
  /** Key exchange groups to offer, in preference order. */
  readonly groups?: readonly KeyExchangeGroup[];
  /** TLS 1.3 cipher suites to offer, in preference order. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  readonly keyShareCount?: number;
  readonly recordSizeLimit?: number;
  readonly outgoingBufferLimit?: number;
  /** The crypto provider (default: noble, pure JS; `nodeCryptoProvider` for native speed). */
  readonly provider?: CryptoProvider;
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

/** ALPN names from `ALPNProtocols` (names, buffers, or one buffer in the wire format). */
export function alpnNames(input: TlsSocketOptions['ALPNProtocols']): string[] | undefined {
  if (input === undefined) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (input instanceof Uint8Array) {
    const out: string[] = [];
    let at = 0;
    while (at < input.length) {
      const n = input[at]!;
      if (n === 0 || at + 1 + n > input.length) throw new UsageError('ALPNProtocols buffer is not a list of length-prefixed names');
      out.push(decoder.decode(input.subarray(at + 1, at + 1 + n)));
      at += 1 + n;
    }
    return out;
  }
  return input.map((p) => (typeof p === 'string' ? p : decoder.decode(p)));
}

/** `cert` and `key` as core's client certificate, or undefined; one without the other is a usage error. */
export function clientCertificate(options: Pick<TlsSocketOptions, 'cert' | 'key'>): ClientConfig['certificate'] {
  if (options.cert === undefined && options.key === undefined) return undefined;
  if (options.cert === undefined || options.key === undefined) throw new UsageError('`cert` and `key` go together');
  return { chain: options.cert, key: options.key };
}
