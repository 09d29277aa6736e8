import {
  TlsServerContext,
  type TlsStream,
  UsageError,
  channelStream,
  clientSide,
  serverSideConfig,
  webStreamChannel,
  type ByteChannel,
  type ClientSideOptions,
  type ServerContextOptions,
  type StreamOptions,
} from '@rxtls/core';
import { webSocketChannel, type WebSocketChannelOptions, type WebSocketLike } from './websocket-channel.ts';

/** A WHATWG readable/writable byte stream pair: the transport TLS runs over. */
export interface ByteStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/**
 * Where the TLS bytes go: exactly one of `streams` (any WHATWG pair: a socket's streams, a
 * `TransformStream` pair, ...), `webSocket` (an open or opening WebSocket) or `url` (a
 * WebSocket is opened to it, e.g. `wss://bridge.example/tcp?target=db.internal:5432`).
 */
export interface WebTransportOptions {
  readonly streams?: ByteStreamPair;
  readonly webSocket?: WebSocketLike;
  readonly url?: string | URL;
  /** Limits of the WebSocket channel (`webSocket`, `url`). */
  readonly webSocketLimits?: WebSocketChannelOptions;
}

/**
 * Options of {@link connect}: the transport, core's client options (`ca` is required: a page
 * has no root store it can hand over; `servername` is the name checked and sent as SNI) and
 * the lifecycle options.
 */
export interface ConnectOptions extends WebTransportOptions, ClientSideOptions, StreamOptions {
  /** Complete the handshake before resolving (default true); `false` resolves at once with the handshake not started. */
  readonly handshake?: boolean;
}

/** Options of {@link accept}: the transport, the server's options (or a `context`) and the lifecycle options. */
export interface AcceptOptions extends WebTransportOptions, ServerContextOptions, StreamOptions {
  /** Use this context (certificates loaded once) instead of one built from the options. */
  readonly context?: TlsServerContext;
}

const NO_DEFAULT_TRUST =
  '@rxtls/transport-web has no default trust store (a page cannot list the browser\'s roots): pass `ca` (PEM or DER), a `context`, or `rejectUnauthorized: false` to skip certificate verification';

/** The byte channel `options` name; a usage error unless exactly one transport is given. */
export function channelOf(options: WebTransportOptions): ByteChannel {
  const given = [options.streams, options.webSocket, options.url].filter((t) => t !== undefined).length;
  if (given !== 1) throw new UsageError('pass exactly one of `streams`, `webSocket` or `url`');
  if (options.streams !== undefined) return webStreamChannel(options.streams);
  const ws = options.webSocket ?? new WebSocket(options.url!);
  return webSocketChannel(ws, options.webSocketLimits);
}

/**
 * A TLS client over a WebSocket or a pair of web streams, on any runtime with web streams (a
 * browser, Deno, Bun, Node, workers): core's {@link TlsStream} — `established`, `read`/
 * `write`/`shutdown`/`close`, `readable`/`writable`, `data$`, `close$`, `handshake$`,
 * `messages$`, `keylog$`. Resolves once the handshake is done (rejects with its typed error,
 * the transport closed), or with `handshake: false` at once.
 */
export async function connect(options: ConnectOptions): Promise<TlsStream> {
  const client = clientSide(options, NO_DEFAULT_TRUST); // option mistakes throw before any I/O
  const stream = channelStream(client.connection, channelOf(options), options, client);
  if (options.handshake !== false) await stream.handshake(); // a failure has closed the transport
  return stream;
}

/**
 * The server side of TLS over a WebSocket or a pair of web streams (a Service Worker, a test,
 * a server on a runtime whose sockets are web streams). The handshake starts at once;
 * `established` tells how it went.
 */
export function accept(options: AcceptOptions): TlsStream {
  const context = options.context ?? new TlsServerContext(serverSideConfig(options));
  const stream = channelStream(context.connection(), channelOf(options), options);
  stream.handshake().catch(() => undefined); // a failure destroys the stream; `established` carries it
  return stream;
}
