/**
 * padding, RFC 7685 §3: `extension_data` of zero bytes, used to round a ClientHello's size.
 */
import { usage } from '../internal.ts';

/** `length` zero bytes of padding data. */
export function encodePadding(length: number): Uint8Array {
  usage(Number.isInteger(length) && length >= 0 && length <= 0xffff, `padding: length ${length}`);
  return new Uint8Array(length);
}
