import { given, type AlpnInput, type ClientSideOptions, type ServerContextOptions, type StreamOptions, type TlsServerContext } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';
import type { TlsConn } from './tls-conn.ts';

export type { AlpnInput, KeylogOption, TraceOption } from '@rxtls/core';

/** Options both roles share: core's {@link StreamOptions} (half-close, key log, trace, handshake timeout) and TCP_NODELAY. */
export interface ConnOptions extends StreamOptions {
  /** TCP_NODELAY (default true: a flight must not wait for the peer's delayed ACK). */
  readonly noDelay?: boolean;
}

/** The names Deno gives what core calls `ca` and `ALPNProtocols` (as `Deno.connectTls` and `Deno.listenTls`). */
interface DenoNames {
  /** ALPN protocols to offer (client) or accept in order of preference (server): names, or the wire format in one buffer. */
  readonly alpnProtocols?: AlpnInput;
}

/**
 * Options of `connect()`, with Deno's conventions (as `Deno.connectTls`): `hostname`, `port`,
 * `caCerts`, `alpnProtocols`; the rest are core's (`servername`, `rejectUnauthorized`,
 * `verifyPeer`, `cert`/`key`, `groups`, `cipherSuites`, ...) and the connection's own.
 */
export interface ConnectOptions extends ConnOptions, DenoNames, Omit<ClientSideOptions, 'ca' | 'ALPNProtocols'> {
  /** TCP port (required unless `conn` is given). */
  readonly port?: number;
  /**
   * Trust anchors, PEM or DER, one or several (Deno's `caCerts`). Required unless `context` is
   * given or `rejectUnauthorized` is false: Deno offers no API that lists its root store.
   */
  readonly caCerts?: ClientSideOptions['ca'];
  /** Run TLS over this connection instead of opening one: a `Deno.Conn` or any {@link DenoConn}. */
  readonly conn?: DenoConn;
  /** Complete the handshake before resolving (default true); `false` resolves with the connection open and the handshake not started. */
  readonly handshake?: boolean;
}

/** Options of `accept()`: the server config (core's {@link ServerContextOptions}, with Deno's `alpnProtocols`) and what happens on each connection. */
export interface ServerOptions extends ConnOptions, DenoNames, Omit<ServerContextOptions, 'ALPNProtocols'> {
  /** Use this context (certificates and ticket keys loaded once) instead of one built from the options above. */
  readonly context?: TlsServerContext;
}

/** {@link ConnectOptions} in core's names (`ca`, `ALPNProtocols`). */
export function coreClientOptions(options: ConnectOptions): ClientSideOptions {
  const { caCerts, alpnProtocols, ...rest } = options;
  return { ...rest, ...given('ca', caCerts), ...given('ALPNProtocols', alpnProtocols) };
}

/** {@link ServerOptions} in core's names (`ALPNProtocols`). */
export function coreServerOptions(options: ServerOptions): ServerContextOptions {
  const { alpnProtocols, ...rest } = options;
  return { ...rest, ...given('ALPNProtocols', alpnProtocols) };
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

export { given };
