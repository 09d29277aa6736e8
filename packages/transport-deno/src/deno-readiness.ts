import { ChannelPort, type ByteChannel } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';

/** Largest single read: one read of up to this many bytes is outstanding at a time. */
export const READ_SIZE = 64 * 1024;

/**
 * A {@link ByteChannel} over a `Deno.Conn` (or any {@link DenoConn}): reads of up to
 * {@link READ_SIZE} into one buffer, each result copied out; writes looped over partial
 * writes; `closeWrite()` for the half-close; `close()` ignores a conn closed already.
 */
export function denoChannel(conn: DenoConn): ByteChannel {
  const buffer = new Uint8Array(READ_SIZE);
  return {
    async read() {
      const n = await conn.read(buffer);
      return n === null ? null : buffer.slice(0, n);
    },
    async write(data) {
      for (let at = 0; at < data.length; ) {
        const n = await conn.write(data.subarray(at));
        if (!(n > 0)) throw new Error(`conn.write() wrote ${n} of ${data.length - at} bytes`);
        at += n;
      }
    },
    ...(conn.closeWrite ? { closeWrite: () => conn.closeWrite!() } : {}),
    close() {
      try {
        conn.close();
      } catch {
        // already closed (BadResource)
      }
    },
  };
}

/**
 * The readiness port over a `Deno.Conn`: core's {@link ChannelPort} (pulled reads, queued
 * writes, half-close, the lingering close after an alert) over {@link denoChannel}.
 */
export class DenoReadiness extends ChannelPort {
  constructor(conn: DenoConn, onFailure: (err: Error) => void = () => undefined) {
    super(denoChannel(conn), onFailure);
  }
}
