import { TlsError, UsageError } from '../errors/tls-error.ts';

const TWO_32 = 2 ** 32;
const MAX_SEQUENCE = 2n ** 64n - 1n;

/**
 * A 64-bit record sequence number and the per-record nonce built from it (RFC 8446 §5.3).
 * Kept as two 32-bit halves so the hot path does no BigInt arithmetic. It never wraps: the
 * number after 2^64 − 1 does not exist and asking for it throws.
 */
export class SequenceNumber {
  private hi: number;
  private lo: number;
  private exhausted = false;
  private readonly iv: Uint8Array;

  /**
   * @param iv the write_iv (RFC 8446 §7.3), at least 8 bytes; copied.
   * @param start the first sequence number, 0 for fresh keys.
   */
  constructor(iv: Uint8Array, start = 0n) {
    if (iv.length < 8) throw new UsageError(`record protection: iv of ${iv.length} bytes, need at least 8`);
    if (start < 0n || start > MAX_SEQUENCE) throw new UsageError('record protection: sequence number out of range');
    this.iv = iv.slice();
    this.hi = Number(start >> 32n);
    this.lo = Number(start & 0xffffffffn);
  }

  /** The sequence number of the next record. */
  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /**
   * The nonce for the current sequence number: the 64-bit number left-padded to the iv
   * length and XORed with the iv (RFC 8446 §5.3).
   */
  nonce(): Uint8Array {
    if (this.exhausted) throw new TlsError('internal_error', 'tls: record sequence number exhausted (2^64 records under one key)');
    const nonce = this.iv.slice();
    const at = nonce.length - 8;
    nonce[at] = nonce[at]! ^ (this.hi >>> 24);
    nonce[at + 1] = nonce[at + 1]! ^ ((this.hi >>> 16) & 0xff);
    nonce[at + 2] = nonce[at + 2]! ^ ((this.hi >>> 8) & 0xff);
    nonce[at + 3] = nonce[at + 3]! ^ (this.hi & 0xff);
    nonce[at + 4] = nonce[at + 4]! ^ (this.lo >>> 24);
    nonce[at + 5] = nonce[at + 5]! ^ ((this.lo >>> 16) & 0xff);
    nonce[at + 6] = nonce[at + 6]! ^ ((this.lo >>> 8) & 0xff);
    nonce[at + 7] = nonce[at + 7]! ^ (this.lo & 0xff);
    return nonce;
  }

  /** Move to the next record. RFC 8446 §5.3: sequence numbers never wrap. */
  increment(): void {
    if (this.lo < TWO_32 - 1) {
      this.lo++;
    } else if (this.hi < TWO_32 - 1) {
      this.lo = 0;
      this.hi++;
    } else {
      this.exhausted = true;
    }
  }
}
