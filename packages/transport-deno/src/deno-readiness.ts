import { ChannelPort, type ByteChannel } from '@rxtls/core';
import type { DenoConn } from './deno-api.ts';

/** First size of a read: one read of up to this many bytes is outstanding at a time. */
export const READ_SIZE = 64 * 1024;
/** Largest read: a bulk transfer whose reads fill their buffer grows it up to this. */
export const MAX_READ_SIZE = 256 * 1024;

/**
 * A {@link ByteChannel} over a `Deno.Conn` (or any {@link DenoConn}): each read's bytes are the
 * caller's; writes looped over partial writes; `closeWrite()` for the half-close; `close()`
 * ignores a conn closed already.
 *
 * Reads start at {@link READ_SIZE}: an idle connection holds one such buffer. A read that fills
 * its buffer doubles the next (up to {@link MAX_READ_SIZE}: fewer reads, and more records at a
 * time for the decryption pipeline); one that uses less than a quarter halves it again. A read
 * that filled most of its buffer hands it over (a fresh one serves the next read); a short
 * one is copied out, so little memory is held.
 */
export function denoChannel(conn: DenoConn): ByteChannel {
  let size = READ_SIZE;
  let buffer = new Uint8Array(size);
  return {
    async read() {
      const n = await conn.read(buffer);
      if (n === null) return null;
      const next = n === buffer.length ? Math.min(size * 2, MAX_READ_SIZE) : n < size / 4 ? Math.max(size / 2, READ_SIZE) : size;
      if (n < buffer.length / 2) {
        const out = buffer.slice(0, n);
        if (next !== size) buffer = new Uint8Array((size = next));
        return out;
      }
      const filled = buffer.subarray(0, n);
      buffer = new Uint8Array((size = next));
      return filled;
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
