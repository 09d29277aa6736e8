/**
 * A byte transport with promise reads and writes: what Deno's `Conn`, a WHATWG stream pair,
 * a WebSocket or a `cloudflare:sockets` socket look like once adapted. {@link ChannelPort}
 * turns one into a readiness port.
 */
export interface ByteChannel {
  /** The next bytes received (the caller owns them), or `null` at end of stream. Rejects when the transport failed. */
  read(): Promise<Uint8Array | null>;
  /** Send all of `data` (the channel may keep it: the port never changes bytes it wrote); resolves once the transport took it. */
  write(data: Uint8Array): Promise<void>;
  /** Half-close (FIN), reading goes on. Without it, the write side ends when the channel is closed. */
  closeWrite?(): Promise<void>;
  /** Close both directions now. Must not throw; a read in flight may reject or end. */
  close(): void;
}

/**
 * A {@link ByteChannel} over a WHATWG `ReadableStream`/`WritableStream` pair (a
 * `cloudflare:sockets` socket, a `TransformStream` pair in tests). Chunks may be
 * `Uint8Array`s or `ArrayBuffer`s; a write resolves once the stream has room (its `ready`).
 */
export function webStreamChannel(pair: { readonly readable: ReadableStream<Uint8Array>; readonly writable: WritableStream<Uint8Array> }): ByteChannel {
  const reader = pair.readable.getReader();
  const writer = pair.writable.getWriter();
  let closed = false;
  return {
    async read() {
      const { value, done } = await reader.read();
      if (done) return null;
      const chunk: unknown = value;
      if (chunk instanceof Uint8Array) return chunk;
      if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
      throw new TypeError(`the readable stream gave a ${typeof chunk}, not bytes`);
    },
    async write(data) {
      // Backpressure the WHATWG way: wait until the stream wants more, hand the chunk over, and
      // do not wait for the sink to finish it (a TransformStream's sink finishes only when the
      // other side reads, and waiting on that would stall a peer that writes before reading).
      // A failed write errors the stream: the next `ready` rejects.
      await writer.ready;
      writer.write(data).catch(() => undefined);
    },
    async closeWrite() {
      await writer.close();
    },
    close() {
      if (closed) return;
      closed = true;
      reader.cancel().catch(() => undefined);
      writer.abort().catch(() => undefined);
    },
  };
}
