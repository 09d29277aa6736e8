import type { Socket, TcpNetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { StreamPort } from './socket/stream-port.ts';

/**
 * The readiness port over a `net.Socket` or any Duplex, in paused mode (see {@link StreamPort}).
 * Transport failures surface through `read()`; pass `onFailure` to hear them at once.
 */
export class NodeReadiness extends StreamPort {
  constructor(stream: Duplex, onFailure: (err: Error) => void = () => undefined) {
    super(stream, onFailure);
  }
}

/**
 * The receive buffer (`readableHighWaterMark`) of the TCP sockets transport-node opens. The
 * port reads in paused mode: Node fills this buffer from the kernel, and when it is full the
 * socket stops reading until the engine takes the bytes. Node 20's default, 16 KiB, is one
 * record: the sender then waits on us about once per record. 256 KiB measured ≈ 10–15% more
 * bulk throughput here and is still a small bound (nothing is held while the buffer is empty).
 */
export const SOCKET_READ_BUFFER = 256 * 1024;

/** `net.connect` options plus that receive buffer (Node honours it; @types/node 20 does not list it). */
export function withReadBuffer<T extends TcpNetConnectOpts>(options: T): T {
  return Object.assign(options, { readableHighWaterMark: SOCKET_READ_BUFFER });
}

/** Disable Nagle: a TLS flight must not wait for the peer's delayed ACK (SSL_connect(3)). */
export function setNoDelay(socket: Socket, noDelay: boolean): void {
  socket.setNoDelay(noDelay);
}
