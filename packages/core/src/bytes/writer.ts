/**
 * A growable byte buffer for encoding. Length-prefixed sections are written through a
 * callback; the prefix is patched in afterwards and checked against its maximum.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** opaque x<0..2^8-1> */
  vec8(b: Uint8Array): this {
    return this.prefixed(1, (w) => w.bytes(b));
  }

  /** opaque x<0..2^16-1> */
  vec16(b: Uint8Array): this {
    return this.prefixed(2, (w) => w.bytes(b));
  }

  /** opaque x<0..2^24-1> */
  vec24(b: Uint8Array): this {
    return this.prefixed(3, (w) => w.bytes(b));
  }

  /** Write a section whose length is given by a `prefixBytes`-byte big-endian prefix. */
  prefixed(prefixBytes: 1 | 2 | 3, body: (w: this) => void): this {
    this.ensure(prefixBytes);
    const at = this.len;
    this.len += prefixBytes;
    body(this);
    const n = this.len - at - prefixBytes;
    const max = 2 ** (8 * prefixBytes) - 1;
    if (n > max) throw new RangeError(`rxtls: encoded section of ${n} bytes exceeds ${max}`);
    for (let i = prefixBytes - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) {
      this.buf[at + i] = v & 0xff;
    }
    return this;
  }

  /** The encoded bytes (a fresh copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Encode with a fresh writer. */
export function encodeWith(body: (w: ByteWriter) => void, initialCapacity = 256): Uint8Array {
  const w = new ByteWriter(initialCapacity);
  body(w);
  return w.finish();
}
