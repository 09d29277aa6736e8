import { TlsError } from '../errors/tls-error.ts';

/**
 * A bounds-checked cursor over received bytes. Every read checks the length against the
 * bytes present first; a short read throws `TlsError(decode_error)`.
 *
 * Length-prefixed reads (`sub8`/`sub16`/`sub24`) return a sub-reader over exactly that many
 * bytes; the caller must consume it whole (`end()`), so trailing garbage is caught.
 */
export class ByteReader {
  private pos = 0;
  private readonly buf: Uint8Array;
  /** What is being decoded, for error messages (`ClientHello`, `key_share`...). */
  readonly what: string;

  constructor(buf: Uint8Array, what = 'message') {
    this.buf = buf;
    this.what = what;
  }

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Offset of the next byte. */
  get offset(): number {
    return this.pos;
  }

  get atEnd(): boolean {
    return this.pos === this.buf.length;
  }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) {
      throw new TlsError('decode_error', `${this.what}: truncated (need ${n} bytes, have ${this.buf.length - this.pos})`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = ((this.buf[this.pos]! << 24) >>> 0) + ((this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  /** `n` bytes as a view into the underlying buffer (copy if it must outlive this step). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** `n` bytes copied out. */
  copy(n: number): Uint8Array {
    return this.bytes(n).slice();
  }

  /** All remaining bytes (view). */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** opaque x<0..2^8-1>, copied. `min`/`max` bound the length (RFC 8446 §3.4 vectors). */
  vec8(min = 0, max = 0xff): Uint8Array {
    return this.vec(this.u8(), min, max);
  }

  /** opaque x<0..2^16-1>, copied. */
  vec16(min = 0, max = 0xffff): Uint8Array {
    return this.vec(this.u16(), min, max);
  }

  /** opaque x<0..2^24-1>, copied. */
  vec24(min = 0, max = 0xffffff): Uint8Array {
    return this.vec(this.u24(), min, max);
  }

  private vec(len: number, min: number, max: number): Uint8Array {
    this.checkLength(len, min, max);
    return this.copy(len);
  }

  private checkLength(len: number, min: number, max: number): void {
    if (len < min || len > max) {
      throw new TlsError('decode_error', `${this.what}: vector length ${len} outside ${min}..${max}`);
    }
  }

  /** A sub-reader over a u8-length-prefixed region. */
  sub8(what = this.what, min = 0, max = 0xff): ByteReader {
    const len = this.u8();
    this.checkLength(len, min, max);
    return new ByteReader(this.bytes(len), what);
  }

  /** A sub-reader over a u16-length-prefixed region. */
  sub16(what = this.what, min = 0, max = 0xffff): ByteReader {
    const len = this.u16();
    this.checkLength(len, min, max);
    return new ByteReader(this.bytes(len), what);
  }

  /** A sub-reader over a u24-length-prefixed region. */
  sub24(what = this.what, min = 0, max = 0xffffff): ByteReader {
    const len = this.u24();
    this.checkLength(len, min, max);
    return new ByteReader(this.bytes(len), what);
  }

  /** Throw `decode_error` unless every byte was consumed. */
  end(): void {
    if (!this.atEnd) {
      throw new TlsError('decode_error', `${this.what}: ${this.remaining} trailing bytes`);
    }
  }
}
