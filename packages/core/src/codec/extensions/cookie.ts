/**
 * cookie, RFC 8446 §4.2.2:
 *
 *   struct { opaque cookie<1..2^16-1>; } Cookie;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { checkLength, decodeWhole } from '../internal.ts';

/** Encode a Cookie (non-empty). */
export function encodeCookie(cookie: Uint8Array): Uint8Array {
  checkLength(cookie, 1, 0xffff, 'cookie');
  return new ByteWriter(cookie.length + 2).vec16(cookie).finish();
}

/** Decode a Cookie: non-empty (else `decode_error`). Returns a copy. */
export function decodeCookie(data: Uint8Array): Uint8Array {
  return decodeWhole(data, 'cookie', (r) => r.vec16(1));
}
