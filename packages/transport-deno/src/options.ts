import {
  UsageError,
  type CipherSuiteName,
  type ClientAuthConfig,
  type ClientConfig,
  type CryptoProvider,
  type KeyExchangeGroup,
  type MessageEvent,
  type ServerCertificate,
  type SignatureSchemeName,
  type TicketStore,
  type TlsClientContext,
  type TlsServerContext,
} from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';
import type { TlsConn } from './tls-conn.ts';

/** ALPN protocols: names, or Node's wire format (length-prefixed names in one buffer). */
export type AlpnInput = readonly (string | Uint8Array)[] | Uint8Array;

/**
 * Key log (NSS format, for Wireshark): `true` appends lines to the file named by
 * `SSLKEYLOGFILE` (when Deno may read that variable and write the file; otherwise only
 * `keylog$` has them); a function receives each line. Either way the key log is on from the
 * first message. The lines contain secrets.
 */
export type KeylogOption = boolean | ((line: string) => void);

/** Every record and message: `true` prints them to stderr like `openssl s_client -msg`; a function receives the events. */
export type TraceOption = boolean | ((event: MessageEvent) => void);

/** Options both roles share: what happens on the connection, not what is negotiated. */
export interface ConnOptions {
  /** TCP_NODELAY (default true: a flight must not wait for the peer's delayed ACK). */
  readonly noDelay?: boolean;
  /**
   * Keep our side writable after the peer's close_notify (default false: we answer with our
   * close_notify and close, as `net.Socket` does without `allowHalfOpen`).
   */
  readonly allowHalfOpen?: boolean;
  readonly keylog?: KeylogOption;
  readonly trace?: TraceOption;
}

/**
 * Options of `connect()`. Names follow transport-node's `connect` (and `tls.connect`) where
 * they mean the same thing; see the README for what differs on Deno.
 */
export interface ConnectOptions extends ConnOptions {
  /** Host to connect to (default `localhost`). */
  readonly host?: string;
  /** TCP port (required unless `conn` is given). */
  readonly port?: number;
  /** Run TLS over this connection instead of opening one: a `Deno.Conn` or any {@link DenoConn}. */
  readonly conn?: DenoConn;
  /**
   * Name for SNI and the host name check; default `host`, then `localhost`. An IP address is
   * checked against the certificate's IP SANs but never sent as SNI.
   */
  readonly servername?: string;
  /**
   * Trust anchors, PEM or DER, one or several. Required unless `context` is given or
   * `rejectUnauthorized` is false: Deno offers no API that lists its root store.
   */
  readonly ca?: ClientConfig['ca'];
  /**
   * Default true. `false` skips the chain and host name checks (the server's CertificateVerify
   * signature is still checked); the chain is then checked after the handshake to fill
   * `authorized` and `authorizationError`, as on Node.
   */
  readonly rejectUnauthorized?: boolean;
  /** An extra check of the peer after its chain was validated (pinning, ...): throw or reject to refuse it. */
  readonly verifyPeer?: ClientConfig['verifyPeer'];
  /** Our certificate chain (leaf first), sent when the server asks for one. Goes with `key`. */
  readonly cert?: NonNullable<ClientConfig['certificate']>['chain'];
  /** The private key for `cert`: PKCS#8, SEC1 or PKCS#1 PEM (or DER). */
  readonly key?: NonNullable<ClientConfig['certificate']>['key'];
  /** ALPN protocols to offer, in preference order. */
  readonly ALPNProtocols?: AlpnInput;
  /** Key exchange groups to offer, in preference order. */
  readonly groups?: readonly KeyExchangeGroup[];
  /** TLS 1.3 cipher suites to offer, in preference order. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  readonly keyShareCount?: number;
  readonly recordSizeLimit?: number;
  readonly outgoingBufferLimit?: number;
  /** The crypto provider (default: noble, pure JS). */
  readonly provider?: CryptoProvider;
  /**
   * Where session tickets are kept: share one `MemoryTicketStore` between `connect()` calls to
   * resume sessions (each call without `context` builds its own context, whose default store
   * dies with it). `false`: no resumption.
   */
  readonly ticketStore?: TicketStore | false;
  /** Use this context (shared trust anchors, ticket store, ...) instead of one built from the options above. */
  readonly context?: TlsClientContext;
  /** Complete the handshake before resolving (default true); `false` resolves with the connection open and the handshake not started. */
  readonly handshake?: boolean;
}

/** Options of `accept()`: the server config and what happens on each connection. */
export interface ServerOptions extends ConnOptions {
  /** The certificate chain, leaf first: PEM text or DER, one or several. Goes with `key`. */
  readonly cert?: ServerCertificate['chain'];
  /** The private key for `cert`: PKCS#8, SEC1 or PKCS#1 PEM (or DER). */
  readonly key?: ServerCertificate['key'];
  /** More certificate/key pairs (picked per connection by SNI and signature_algorithms); `cert`/`key` come first. */
  readonly certificates?: readonly ServerCertificate[];
  /** ALPN protocols in our preference order. */
  readonly ALPNProtocols?: AlpnInput;
  /** TLS 1.3 cipher suites in our preference order. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** Key exchange groups in our preference order (a client without a share for one gets a HelloRetryRequest). */
  readonly groups?: readonly KeyExchangeGroup[];
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  readonly recordSizeLimit?: number;
  readonly outgoingBufferLimit?: number;
  /** The crypto provider (default: noble, pure JS). */
  readonly provider?: CryptoProvider;
  /** Ask clients for certificates and check them against `ca` (required unless `required: false`). */
  readonly clientAuth?: ClientAuthConfig;
  /** Use this context (certificates and ticket keys loaded once) instead of one built from the options above. */
  readonly context?: TlsServerContext;
  /** A handshake not finished after this many ms destroys the connection (default 120000, as Node; 0: none). */
  readonly handshakeTimeout?: number;
}

/** Options of `listen()`: where to listen, and the {@link ServerOptions}. */
export interface ListenOptions extends ServerOptions {
  /** TCP port (0: any free port; see `addr`). */
  readonly port: number;
  /** Address to bind (default `0.0.0.0`, as `Deno.listen`). */
  readonly hostname?: string;
  /** A handshake that failed (Node's 'tlsClientError'); the connection is already destroyed. */
  readonly onTlsClientError?: (error: Error, conn: TlsConn) => void;
}

/** ALPN names from {@link AlpnInput} (names, buffers, or one buffer in the wire format). */
export function alpnNames(input: AlpnInput | undefined): string[] | undefined {
  if (input === undefined) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (!(input instanceof Uint8Array)) return input.map((p) => (typeof p === 'string' ? p : decoder.decode(p)));
  const out: string[] = [];
  for (let at = 0; at < input.length; ) {
    const n = input[at]!;
    if (n === 0 || at + 1 + n > input.length) throw new UsageError('ALPNProtocols buffer is not a list of length-prefixed names');
    out.push(decoder.decode(input.subarray(at + 1, at + 1 + n)));
    at += 1 + n;
  }
  return out;
}

/** `{ [key]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
export function given<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
