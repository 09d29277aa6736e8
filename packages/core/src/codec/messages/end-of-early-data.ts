/**
 * EndOfEarlyData, RFC 8446 §4.5: `struct {} EndOfEarlyData;`
 */
import { TlsError } from '../../errors/tls-error.ts';

/** Encode the (empty) EndOfEarlyData body. */
export function encodeEndOfEarlyData(): Uint8Array {
  return new Uint8Array(0);
}

/** Decode an EndOfEarlyData body: it must be empty (else `decode_error`). */
export function decodeEndOfEarlyData(body: Uint8Array): void {
  if (body.length !== 0) throw new TlsError('decode_error', `EndOfEarlyData: ${body.length} trailing bytes`);
}
