import { TlsServerContext, UsageError, type ServerConfig } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';
import { alpnNames, given, type ServerOptions } from './options.ts';
import { TlsConn } from './tls-conn.ts';

/** The server config that {@link ServerOptions} describe (without `context`). */
export function serverConfig(options: ServerOptions): ServerConfig {
  if ((options.cert === undefined) !== (options.key === undefined)) throw new UsageError('`cert` and `key` go together');
  const certificates = [...(options.cert !== undefined && options.key !== undefined ? [{ chain: options.cert, key: options.key }] : []), ...(options.certificates ?? [])];
  if (certificates.length === 0) throw new UsageError('a server needs `cert` and `key`, or `certificates`');
  return {
    certificates,
    ...given('alpnProtocols', alpnNames(options.ALPNProtocols)),
    ...given('cipherSuites', options.cipherSuites),
    ...given('groups', options.groups),
    ...given('signatureSchemes', options.signatureSchemes),
    ...given('recordSizeLimit', options.recordSizeLimit),
    ...given('outgoingBufferLimit', options.outgoingBufferLimit),
    ...given('provider', options.provider),
    ...given('clientAuth', options.clientAuth),
  };
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
  });
  const limit = options.handshakeTimeout ?? 120_000;
  const timer = limit > 0 ? setTimeout(() => conn.destroy(new Error(`tls: handshake not finished after ${limit} ms`)), limit) : undefined;
  conn.handshake().then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return conn;
}
