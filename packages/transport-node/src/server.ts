import { createServer as netCreateServer, Server, type Socket } from 'node:net';
import { TlsServerContext, TlsSession, serverConfigFrom, type MessageEvent, type ServerConfig, type ServerContextOptions } from '@rxtls/core';
import { NodeReadiness } from './node-readiness.ts';
import type { ConnectionOptions } from './socket/options.ts';
import { TlsSocket } from './socket/tls-socket.ts';

/** Options of {@link createTlsServer}: the server config, or a context to share. */
export interface TlsServerOptions extends Partial<ServerConfig> {
  readonly context?: TlsServerContext;
  /** TCP_NODELAY on accepted sockets; default true. */
  readonly noDelay?: boolean;
}

/**
 * A TCP server whose connections speak rxtls's TLS 1.3 server side. Each accepted socket
 * becomes a {@link TlsSession}; `onSession` runs its handshake (`session.handshake()`) and
 * its reads and writes. `close()` the returned server to stop listening. (The lower-level
 * sibling of {@link createServer}, which gives `TlsSocket`s.)
 */
export function createTlsServer(options: TlsServerOptions, onSession: (session: TlsSession, socket: Socket) => void): Server {
  const context = options.context ?? new TlsServerContext(options as ServerConfig);
  return netCreateServer((socket) => {
    socket.setNoDelay(options.noDelay ?? true);
    socket.on('error', () => undefined); // surfaces through the session
    onSession(new TlsSession(context.connection(), new NodeReadiness(socket)), socket);
  });
}

/**
 * Options of {@link createServer} (named as `tls.createServer`'s `TlsOptions`): core's {@link ServerContextOptions} (the certificates and
 * what is negotiated) and what happens on each connection. Names follow `tls.createServer` where they mean the same thing
 * (`cert`, `key`, `ALPNProtocols`, `handshakeTimeout`, `allowHalfOpen`); the rest are rxtls's
 * own (`certificates`, `cipherSuites`, `groups`, ...).
 */
export interface TlsOptions extends ServerContextOptions {
  /** Use this context (certificates already loaded) instead of one built from the options above. */
  readonly context?: TlsServerContext;
  /** Key log for each connection, as on `TlsSocket` (`true`: append to `SSLKEYLOGFILE`). The server's 'keylog' event fires either way. */
  readonly keylog?: ConnectionOptions['keylog'];
  /** Every record and message of each connection (`true`: printed to stderr). */
  readonly trace?: boolean | ((event: MessageEvent) => void);
  /** TCP_NODELAY on accepted sockets (default true). */
  readonly noDelay?: boolean;
  /** Keep our side writable after the client's close_notify (default false). */
  readonly allowHalfOpen?: boolean;
  /** The readable side's buffer of each socket, in bytes. */
  readonly highWaterMark?: number;
  /**
   * A handshake not finished after this many ms fails with 'tlsClientError' carrying a
   * `HandshakeTimeoutError` (default 30000, core's `DEFAULT_HANDSHAKE_TIMEOUT_MS`; Node's is
   * 120000; 0: none).
   */
  readonly handshakeTimeout?: number;
}

/**
 * A TLS 1.3 server, `tls.Server`-style, on a `net.Server`: `listen()`, `address()`, `close()`
 * as usual. Each connection is a server-role {@link TlsSocket} (the same class as the client
 * side: Duplex, `web` streams, `handshake$`/`messages$`/`keylog$`/`data$`/`close$`).
 *
 * Events: `'secureConnection'` (socket) once a handshake completes; `'tlsClientError'`
 * (error, socket) when one fails (the socket is then destroyed; without a listener the error
 * is dropped, as in Node); `'keylog'` (line, socket); and `net.Server`'s own.
 *
 * `close()` is graceful: it stops accepting, leaves open connections alone and emits 'close'
 * once the last one is gone. `closeAllConnections()` destroys them.
 */
export class TlsServer extends Server {
  /** The context every connection comes from (certificates loaded once). */
  readonly context: TlsServerContext;
  private readonly sockets = new Set<TlsSocket>();

  constructor(
    private readonly options: TlsOptions,
    secureConnectionListener?: (socket: TlsSocket) => void,
  ) {
    super({ allowHalfOpen: true });
    this.context = options.context ?? new TlsServerContext(serverConfigFrom(options));
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (raw: Socket) => this.accept(raw));
  }

  /** The TLS sockets open now (handshaking or established). */
  get tlsSockets(): ReadonlySet<TlsSocket> {
    return this.sockets;
  }

  /** Destroy every open connection (a graceful `close()` waits for them instead). */
  closeAllConnections(): void {
    for (const socket of [...this.sockets]) socket.destroy();
  }

  private accept(raw: Socket): void {
    const o = this.options;
    const socket = new TlsSocket(
      {
        socket: raw,
        noDelay: o.noDelay ?? true,
        allowHalfOpen: o.allowHalfOpen ?? false,
        ...(o.highWaterMark !== undefined ? { highWaterMark: o.highWaterMark } : {}),
        ...(o.keylog !== undefined ? { keylog: o.keylog } : {}),
        ...(o.trace !== undefined ? { trace: o.trace } : {}),
        ...(o.handshakeTimeout !== undefined ? { handshakeTimeout: o.handshakeTimeout } : {}),
      },
      { context: this.context, server: this },
    );
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.listenerCount('keylog') > 0) socket.keylog$.subscribe((line) => this.emit('keylog', Buffer.from(`${line}\n`), socket));

    // Until the handshake is over the error belongs to the server ('tlsClientError'), not to a
    // socket nobody has seen yet.
    const swallow = (): void => undefined;
    socket.on('error', swallow);
    socket.established.then(
      () => {
        socket.off('error', swallow);
        this.emit('secureConnection', socket);
      },
      (err: unknown) => {
        this.emit('tlsClientError', err instanceof Error ? err : new Error(String(err)), socket);
        // 'error' was emitted (or will be) on the destroyed socket: keep swallowing it.
      },
    );
  }
}

/**
 * Create a TLS 1.3 server, like `tls.createServer`: `secureConnectionListener` becomes a
 * 'secureConnection' listener. Then `server.listen(port, host)`.
 */
export function createServer(options: TlsOptions, secureConnectionListener?: (socket: TlsSocket) => void): TlsServer {
  return new TlsServer(options, secureConnectionListener);
}
