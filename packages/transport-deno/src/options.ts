import type { ClientSideOptions, ServerContextOptions, StreamOptions, TlsServerContext } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';
import type { TlsConn } from './tls-conn.ts';

export type { AlpnInput, KeylogOption, TraceOption } from '@rxtls/core';

/** Options both roles share: core's {@link StreamOptions} (half-close, key log, trace, handshake timeout) and TCP_NODELAY. */
export interface ConnOptions extends StreamOptions {
  /** TCP_NODELAY (default true: a flight must not wait for the peer's delayed ACK). */
  readonly noDelay?: boolean;
}

/**
 * Options of `connect()`: core's {@link ClientContextOptions} (what the context negotiates)
 * and the connection's own. Names follow transport-node's `connect` (and `tls.connect`) where
 * they mean the same thing; see the README for what differs on Deno.
 */
export interface ConnectOptions extends ConnOptions, ClientSideOptions {
  /** TCP port (required unless `conn` is given). */
  readonly port?: number;
  /** Run TLS over this connection instead of opening one: a `Deno.Conn` or any {@link DenoConn}. */
  readonly conn?: DenoConn;
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

export { given } from '@rxtls/core';
