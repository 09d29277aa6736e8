import { TlsServerContext, serverSideConfig, type ServerConfig } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';
import { coreServerOptions, given, type ServerOptions } from './options.ts';
import { TlsConn } from './tls-conn.ts';

/** The server config that {@link ServerOptions} describe (without `context`): core's {@link serverSideConfig} (WebCrypto by default). */
export function serverConfig(options: ServerOptions): ServerConfig {
  return serverSideConfig(coreServerOptions(options));
}

/** `options.context`, or a context built from the options (certificates loaded now). */
export function serverContext(options: ServerOptions): TlsServerContext {
  return options.context ?? new TlsServerContext(serverConfig(options));
}

/**
 * Run the server side of TLS 1.3 over a connection accepted elsewhere (a `Deno.Conn` from your
 * own `Deno.listen`, a Unix socket, ...). The handshake starts at once; `established` tells
 * how it went. Pass a `context` when accepting many connections (certificates load once).
 */
export function accept(transport: DenoConn, options: ServerOptions): TlsConn {
  const context = serverContext(options);
  transport.setNoDelay?.(options.noDelay ?? true);
  const conn = new TlsConn({
    connection: context.connection(),
    transport,
    ...given('allowHalfOpen', options.allowHalfOpen),
    ...given('keylog', options.keylog),
    ...given('trace', options.trace),
    ...given('handshakeTimeout', options.handshakeTimeout),
  });
  conn.handshake().catch(() => undefined); // the server side starts at once; a failure destroys the connection
  return conn;
}
