import { UsageError } from '../errors/tls-error.ts';
import { MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './limits.ts';

/**
 * Split `content` into pieces of at most `maxFragment` bytes, in order (RFC 8446 §5.1).
 * The pieces are views into `content`, not copies.
 *
 * Empty content gives no pieces at all: whether an empty record is ever sent is the
 * caller's decision (only application data may be empty, RFC 8446 §5.1; see
 * `RecordLayer.encodeRecords`).
 */
export function fragment(content: Uint8Array, maxFragment: number): Uint8Array[] {
  if (!Number.isInteger(maxFragment) || maxFragment < 1 || maxFragment > MAX_PLAINTEXT) {
    throw new UsageError(`fragment: maxFragment ${maxFragment} is not in 1..2^14`);
  }
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < content.length; at += maxFragment) pieces.push(content.subarray(at, at + maxFragment));
  return pieces;
}

/** Encode one unprotected TLSPlaintext record (RFC 8446 §5.1): header and a copy of `fragment`. */
export function encodePlaintextRecord(type: number, legacyVersion: number, fragment: Uint8Array): Uint8Array {
  if (fragment.length > MAX_PLAINTEXT) throw new UsageError(`encodePlaintextRecord: fragment of ${fragment.length} bytes exceeds 2^14`);
  const record = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  record[0] = type;
  record[1] = (legacyVersion >> 8) & 0xff;
  record[2] = legacyVersion & 0xff;
  record[3] = fragment.length >> 8;
  record[4] = fragment.length & 0xff;
  record.set(fragment, RECORD_HEADER_LENGTH);
  return record;
}
