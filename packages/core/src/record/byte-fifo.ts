/**
 * A first-in first-out byte queue for the deframer and the handshake joiner. It owns copies
 * of what it is given; `take` hands out bytes the queue never writes again.
 */
export class ByteFifo {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private total = 0;

  /** Bytes queued. */
  get length(): number {
    return this.total;
  }

  /** Append a copy of `bytes`. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // The front chunk may be a view into a large earlier push: shrink it to what is left
    // so the memory kept is what is queued, not what was once pushed.
    const front = this.chunks[this.head];
    if (front !== undefined && front.byteLength * 2 < front.buffer.byteLength) this.chunks[this.head] = front.slice();
    this.chunks.push(new Uint8Array(bytes)); // a copy, also of a Node Buffer
    this.total += bytes.length;
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

  /** Remove and return the first `n` bytes; the caller ensures `n <= length`. */
  take(n: number): Uint8Array {
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
