import type { ClientConfig, ClientContextOptions, KeylogOption, ServerContextOptions, TicketStore, TlsClientContext, TlsServerContext, TraceOption } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';
import type { TlsConn } from './tls-conn.ts';

export type { AlpnInput, KeylogOption, TraceOption } from '@rxtls/core';

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
  /**
   * Milliseconds the handshake may take before it fails with a `HandshakeTimeoutError` and the
   * connection is destroyed, on both sides (default 30000, core's `DEFAULT_HANDSHAKE_TIMEOUT_MS`; 0: none).
   */
  readonly handshakeTimeout?: number;
}

/**
 * Options of `connect()`: core's {@link ClientContextOptions} (what the context negotiates)
 * and the connection's own. Names follow transport-node's `connect` (and `tls.connect`) where
 * they mean the same thing; see the README for what differs on Deno.
 */
export interface ConnectOptions extends ConnOptions, ClientContextOptions {
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

/** Options of `accept()`: the server config (core's {@link ServerContextOptions}) and what happens on each connection. */
export interface ServerOptions extends ConnOptions, ServerContextOptions {
  /** Use this context (certificates and ticket keys loaded once) instead of one built from the options above. */
  readonly context?: TlsServerContext;
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

/** `{ [key]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
export function given<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
