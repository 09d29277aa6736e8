import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TlsClientContext, TlsSession, type ClientConfig } from '@rxtls/core';
import { NodeReadiness, withReadBuffer } from './node-readiness.ts';

/** Options of {@link connectTls} and {@link openTlsSession}: core's client config (its names) plus where to connect. */
export interface SessionConnectOptions extends ClientConfig {
  readonly host?: string;
  readonly port?: number;
  /** Name for SNI and certificate checks; defaults to `host`. An IP address is checked but never sent as SNI. */
  readonly servername?: string;
  /** Use this connected stream instead of opening a TCP connection (TLS over any Duplex). */
  readonly socket?: Duplex;
  /** TCP_NODELAY; default true. */
  readonly noDelay?: boolean;
  /** A context to share across connections (its config wins over the options above). */
  readonly context?: TlsClientContext;
  /** Record NSS key log lines on `keylog$` from the start (they contain secrets). */
  readonly keylog?: boolean;
  /** Milliseconds the handshake may take (default 30000; 0: none); then a `HandshakeTimeoutError`. */
  readonly handshakeTimeout?: number;
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(withReadBuffer({ host, port }));
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * Open a TCP connection (or take `socket`) and start a TLS session over it. The handshake
 * runs when `session.handshake()` is called.
 */
export async function openTlsSession(options: SessionConnectOptions): Promise<TlsSession> {
  const context = options.context ?? new TlsClientContext(options);
  const host = options.host ?? 'localhost';
  const serverName = options.servername ?? options.host;
  // Before any I/O: a verifying connection without a name to check is a UsageError.
  const connection = context.connection(serverName !== undefined ? { serverName } : {});
  connection.keylogEnabled = options.keylog === true;
  const stream = options.socket ?? (await openSocket(host, options.port ?? 443));
  if ('setNoDelay' in stream && typeof stream.setNoDelay === 'function') (stream as Socket).setNoDelay(options.noDelay ?? true);
  return new TlsSession(connection, new NodeReadiness(stream), options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout });
}

/** Open a session and complete the handshake. */
export async function connectTls(options: SessionConnectOptions): Promise<TlsSession> {
  const session = await openTlsSession(options);
  try {
    await session.handshake();
  } catch (err) {
    session.destroy();
    throw err;
  }
  return session;
}
