/**
 * signature_algorithms and signature_algorithms_cert, RFC 8446 §4.2.3:
 *
 *   struct { SignatureScheme supported_signature_algorithms<2..2^16-2>; } SignatureSchemeList;
 */
import { decodeWhole, readU16List, writeU16List } from '../internal.ts';

/** Encode a SignatureSchemeList (non-empty). */
export function encodeSignatureSchemeList(schemes: readonly number[]): Uint8Array {
  return writeU16List(schemes, 'signature_algorithms', 1);
}

/** Decode a SignatureSchemeList: non-empty, even length (else `decode_error`). Unknown schemes are kept. */
export function decodeSignatureSchemeList(data: Uint8Array): number[] {
  return decodeWhole(data, 'signature_algorithms', (r) => readU16List(r, 'signature_algorithms', 1));
}
