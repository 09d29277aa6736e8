/**
 * The one first-in first-out byte queue of core: the deframer's and the handshake joiner's
 * input, and the engine's incoming, outgoing and application-data buffers. `push` takes
 * ownership of an array the caller will not change again (the engine's own records and
 * plaintexts, no copy); `pushCopy` keeps a copy (bytes from outside). `take` hands out bytes the
 * queue never writes again: a view when they lie in one chunk.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the front chunk in `chunks`. */
  private head = 0;
  private total = 0;

  /** Bytes queued. */
  get length(): number {
    return this.total;
  }

  /** Append `bytes`, which the queue now owns. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // The front chunk may be a view into a large array: shrink it to what is left, so the
    // memory kept is what is queued, not what was once pushed.
    const front = this.chunks[this.head];
    if (front !== undefined && front.byteLength * 2 < front.buffer.byteLength) this.chunks[this.head] = front.slice();
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** Append a copy of `bytes` (the Uint8Array constructor copies, also a Node Buffer, whose slice() is a view). */
  pushCopy(bytes: Uint8Array): void {
    if (bytes.length > 0) this.push(new Uint8Array(bytes));
  }

  /** The byte at offset `i` from the front; the caller ensures `i < length`. */
  byteAt(i: number): number {
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    return 0;
  }

  /** Remove and return up to `max` bytes (all by default) as one array. */
  take(max = this.total): Uint8Array {
    const n = Math.min(max, this.total);
    const front = this.chunks[this.head];
    if (front === undefined || n === 0) return new Uint8Array(0);
    if (front.length >= n) {
      const out = front.subarray(0, n);
      this.advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[this.head]!;
      const k = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, k), at);
      at += k;
      this.advance(k);
    }
    return out;
  }

  /**
   * Up to `max` bytes, without copying when the front chunk alone holds at least `enough` of
   * them (its bytes, a view); otherwise joined as `take` does. What a reader of decrypted
   * records takes: big records one at a time, uncopied; a run of tiny ones in one piece.
   */
  takeFront(max: number, enough: number): Uint8Array {
    const front = this.chunks[this.head];
    if (front !== undefined && front.length >= Math.min(max, enough)) return this.take(Math.min(max, front.length));
    return this.take(max);
  }

  /** Drop everything. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }

  private advance(n: number): void {
    const front = this.chunks[this.head]!;
    this.total -= n;
    if (n < front.length) {
      this.chunks[this.head] = front.subarray(n);
      return;
    }
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
