import { connect as openSocket, type Socket } from 'cloudflare:sockets';
import { UsageError, channelStream, clientSide, type ClientSideOptions, type StreamOptions, type TlsStream } from '@rxtls/core';
import { socketChannel } from './socket-channel.ts';

/** Options of {@link connect}: where to connect, core's client options and the lifecycle options. */
export interface ConnectOptions extends ClientSideOptions, StreamOptions {
  /** TCP port (required unless `socket` is given). */
  readonly port?: number;
  /** Run TLS over this socket (from `connect()` of `cloudflare:sockets`, `secureTransport: 'off'`) instead of opening one. */
  readonly socket?: Socket;
  /** Complete the handshake before resolving (default true); `false` resolves at once with the handshake not started. */
  readonly handshake?: boolean;
}

const NO_DEFAULT_TRUST =
  '@rxtls/transport-workerd has no default trust store (the Workers runtime does not list its roots): pass `ca` (PEM or DER), a `context`, or `rejectUnauthorized: false` to skip certificate verification';

/**
 * Open a TCP connection with `cloudflare:sockets` (or take `socket`) and run an rxtls client
 * over it, inside a Worker: core's {@link TlsStream} (`established`, `read`/`write`/`close`,
 * `readable`/`writable`, `handshake$`, `messages$`, `keylog$`, ...). Unlike the platform's own
 * `startTls`, every handshake step is observable and the certificate check is yours: `ca`,
 * `verifyPeer` (pinning), `checkServerIdentity`-style hooks. Resolves once the handshake is done
 * (rejects with its typed error, the socket closed), or with `handshake: false` at once.
 */
export async function connect(options: ConnectOptions): Promise<TlsStream> {
  if (options.socket === undefined && options.port === undefined) throw new UsageError('connect() needs `port` or `socket`');
  const client = clientSide(options, NO_DEFAULT_TRUST); // option mistakes throw before any I/O
  // Half-open: our close_notify half-closes and reading goes on until the peer's (TLS decides).
  const socket = options.socket ?? openSocket({ hostname: options.hostname ?? 'localhost', port: options.port! }, { secureTransport: 'off', allowHalfOpen: true });
  const stream = channelStream(client.connection, socketChannel(socket), options, client);
  if (options.handshake !== false) await stream.handshake(); // a failure has closed the socket
  return stream;
}
