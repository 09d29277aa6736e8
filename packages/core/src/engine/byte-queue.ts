/**
 * A FIFO of byte chunks with a running total. Used for the outgoing network buffer and for
 * decrypted application data waiting for `read()`.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Copy up to `into.length` bytes into `into`; returns how many. */
  readInto(into: Uint8Array): number {
    let n = 0;
    while (n < into.length && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const take = Math.min(first.length - this.head, into.length - n);
      into.set(first.subarray(this.head, this.head + take), n);
      n += take;
      this.head += take;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.total -= n;
    return n;
  }

  /**
   * Remove and return up to `max` bytes as one array (all of it by default). A view into a
   * queued chunk when the bytes lie in one chunk: the queue owns its chunks and never writes
   * them, so the view stays valid.
   */
  take(max = this.total): Uint8Array {
    const n = Math.min(max, this.total);
    if (n === 0) return new Uint8Array(0);
    const first = this.chunks[0]!;
    if (first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      this.total -= n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return out;
    }
    const out = new Uint8Array(n);
    this.readInto(out);
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }
}
