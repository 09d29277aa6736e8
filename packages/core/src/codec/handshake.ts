/**
 * The handshake message framing, RFC 8446 §4:
 *
 *   struct { HandshakeType msg_type; uint24 length; select (msg_type) {...} body; } Handshake;
 */
import { ByteReader } from '../bytes/reader.ts';
import { checkUint, usage } from './internal.ts';

/** A handshake message: its type and its body (without the 4-byte header). */
export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
}

/** Bytes in the handshake header: 1-byte type + u24 length. */
export const HANDSHAKE_HEADER_LENGTH = 4;

/** Frame `body` as a handshake message: 1-byte type, u24 length, body. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  checkUint(type, 8, 'handshake type');
  usage(body.length <= 0xffffff, `handshake body of ${body.length} bytes exceeds 2^24-1`);
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  out[0] = type;
  out[1] = body.length >>> 16;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/** Read a handshake header from `r`: the type and the announced body length (not yet checked against the bytes present). */
export function decodeHandshakeHeader(r: ByteReader): { type: number; length: number } {
  const type = r.u8();
  const length = r.u24();
  return { type, length };
}

/**
 * Decode exactly one whole handshake message (header and body, nothing after it).
 * The body is a copy. Truncation or trailing bytes → `decode_error`.
 */
export function decodeHandshake(message: Uint8Array): HandshakeMessage {
  const r = new ByteReader(message, 'handshake message');
  const { type, length } = decodeHandshakeHeader(r);
  const body = r.copy(length);
  r.end();
  return { type, body };
}
