import { createServer as netCreateServer, type Server, type Socket } from 'node:net';
import { TlsServerContext, TlsSession, type ServerConfig } from '@rxtls/core';
import { NodeReadiness } from './node-readiness.ts';

/** Options of {@link createTlsServer}: the server config, or a context to share. */
export interface TlsServerOptions extends Partial<ServerConfig> {
  readonly context?: TlsServerContext;
  /** TCP_NODELAY on accepted sockets; default true. */
  readonly noDelay?: boolean;
}

/**
 * A TCP server whose connections speak rxtls's TLS 1.3 server side. Each accepted socket
 * becomes a {@link TlsSession}; `onSession` runs its handshake (`session.handshake()`) and
 * its reads and writes. `close()` the returned server to stop listening.
 */
export function createTlsServer(options: TlsServerOptions, onSession: (session: TlsSession, socket: Socket) => void): Server {
  const context = options.context ?? new TlsServerContext(options as ServerConfig);
  return netCreateServer((socket) => {
    socket.setNoDelay(options.noDelay ?? true);
    socket.on('error', () => undefined); // surfaces through the session
    onSession(new TlsSession(context.connection(), new NodeReadiness(socket)), socket);
  });
}
