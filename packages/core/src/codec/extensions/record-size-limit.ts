/**
 * record_size_limit, RFC 8449 §4:
 *
 *   uint16 RecordSizeLimit;
 */
import { TlsError } from '../../errors/tls-error.ts';
import { decodeWhole, usage } from '../internal.ts';

/** RFC 8449 §4: a value below 64 is an error. */
export const MIN_RECORD_SIZE_LIMIT = 64;

/** Encode a RecordSizeLimit (64..65535). */
export function encodeRecordSizeLimit(limit: number): Uint8Array {
  usage(Number.isInteger(limit) && limit >= MIN_RECORD_SIZE_LIMIT && limit <= 0xffff, `record_size_limit: ${limit} outside 64..65535`);
  return Uint8Array.of(limit >>> 8, limit & 0xff);
}

/**
 * Decode a RecordSizeLimit: exactly 2 bytes (else `decode_error`); below 64 →
 * `illegal_parameter` (RFC 8449 §4). Values above the protocol's maximum are legal; the record
 * layer takes the smaller.
 */
export function decodeRecordSizeLimit(data: Uint8Array): number {
  const limit = decodeWhole(data, 'record_size_limit', (r) => r.u16());
  if (limit < MIN_RECORD_SIZE_LIMIT) throw new TlsError('illegal_parameter', `record_size_limit: ${limit} is below 64`);
  return limit;
}
