import { webStreamChannel, type ByteChannel } from '@rxtls/core';
import type { Socket } from 'cloudflare:sockets';

/**
 * A {@link ByteChannel} over a `cloudflare:sockets` socket: core's channel over its web
 * streams, with the socket's own `close()` (which also ends a read in flight) and a failed
 * connect surfacing as the first read's error.
 */
export function socketChannel(socket: Socket): ByteChannel {
  const streams = webStreamChannel(socket);
  return {
    read: async () => {
      await socket.opened;
      return streams.read();
    },
    write: streams.write,
    closeWrite: streams.closeWrite!,
    close: () => {
      streams.close();
      socket.close().catch(() => undefined);
    },
  };
}
