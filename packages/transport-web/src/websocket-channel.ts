import { TransportError, type ByteChannel } from '@rxtls/core';

/**
 * What the channel needs of a WebSocket: the browser's `WebSocket`, Deno's and Bun's, or a
 * client of the `ws` package. Binary frames only.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  readonly bufferedAmount: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}

/** Limits of a {@link webSocketChannel}. */
export interface WebSocketChannelOptions {
  /**
   * Bytes received and not yet read that the channel keeps (default 4 MiB). A WebSocket cannot
   * tell its peer to slow down, so a page that stops reading while the peer keeps sending
   * would otherwise grow without bound: past this, the connection fails.
   */
  readonly maxUnread?: number;
  /** A write waits while more than this many bytes are queued in the WebSocket (default 1 MiB). */
  readonly maxBuffered?: number;
  /** How often a waiting write looks at `bufferedAmount` again, in ms (default 5; WebSocket has no 'drain' event). */
  readonly pollInterval?: number;
}

const OPEN = 1;
const CLOSING = 2;
const DEFAULT_MAX_UNREAD = 4 * 1024 * 1024;
const DEFAULT_MAX_BUFFERED = 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A {@link ByteChannel} over a WebSocket's binary frames (the browser's way to reach TCP: a
 * WebSocket-to-TCP bridge on the other end, see `examples/ws-bridge`). Each frame's bytes are
 * TLS bytes in order; frame boundaries mean nothing. The WebSocket's close is the end of
 * stream (TLS decides whether it was clean), its 'error' a transport failure; a text frame is
 * a failure too. Writes wait for the socket to open and, past `maxBuffered`, for it to drain.
 */
export function webSocketChannel(ws: WebSocketLike, options: WebSocketChannelOptions = {}): ByteChannel {
  const maxUnread = options.maxUnread ?? DEFAULT_MAX_UNREAD;
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  const pollInterval = options.pollInterval ?? 5;
  ws.binaryType = 'arraybuffer';
  const unread: Uint8Array[] = [];
  let unreadBytes = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (err: Error): void => {
    failure ??= err;
    notify();
  };
  const opened = new Promise<void>((resolve, reject) => {
    if (ws.readyState === OPEN) resolve();
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('close', () => reject(failure ?? new TransportError('eof', 'the WebSocket closed before it opened')));
    ws.addEventListener('error', () => reject(failure ?? new TransportError('error', 'the WebSocket failed to open')));
  });
  opened.catch(() => undefined);

  ws.addEventListener('message', (event) => {
    const data = event.data;
    if (!(data instanceof ArrayBuffer)) return fail(new TransportError('error', 'the WebSocket sent a text frame; TLS bytes come in binary frames'));
    if (unreadBytes + data.byteLength > maxUnread) return fail(new TransportError('error', `more than ${maxUnread} bytes received and not read (the WebSocket has no flow control): connection dropped`));
    unread.push(new Uint8Array(data));
    unreadBytes += data.byteLength;
    notify();
  });
  ws.addEventListener('close', () => {
    ended = true;
    notify();
  });
  ws.addEventListener('error', () => fail(new TransportError('error', 'the WebSocket failed')));

  return {
    async read() {
      for (;;) {
        const chunk = unread.shift();
        if (chunk !== undefined) {
          unreadBytes -= chunk.length;
          return chunk;
        }
        if (failure) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async write(data) {
      await opened;
      if (failure) throw failure;
      if (ws.readyState !== OPEN) throw new TransportError('error', 'the WebSocket is closed');
      ws.send(data as Uint8Array<ArrayBuffer>); // the engine's records never live in a SharedArrayBuffer
      // No 'drain' event on a WebSocket: look at what is queued until it is under the limit.
      while (ws.bufferedAmount > maxBuffered && ws.readyState === OPEN) await sleep(pollInterval);
    },
    close() {
      if (ws.readyState < CLOSING) ws.close(1000);
    },
  };
}
