import type { Socket } from 'node:net';
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

/** Disable Nagle: a TLS flight must not wait for the peer's delayed ACK (SSL_connect(3)). */
export function setNoDelay(socket: Socket, noDelay: boolean): void {
  socket.setNoDelay(noDelay);
}
