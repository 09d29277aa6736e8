/**
 * The extensions TLS 1.2 needs besides those TLS 1.3 shares with it:
 *
 *   ec_point_formats (RFC 8422 §5.1.2):  struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
 *   renegotiation_info (RFC 5746 §3.2):  struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo;
 *   extended_master_secret (RFC 7627 §5.1): empty (see `empty.ts`).
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { checkLength, decodeWhole } from '../internal.ts';

/** ECPointFormat.uncompressed (RFC 8422 §5.1.2): the only format TLS 1.2 peers must support and we use. */
export const UNCOMPRESSED = 0;

/** Encode an ECPointFormatList; by default just `uncompressed`. */
export function encodeEcPointFormats(formats: readonly number[] = [UNCOMPRESSED]): Uint8Array {
  const list = Uint8Array.from(formats);
  checkLength(list, 1, 0xff, 'ec_point_formats');
  return new ByteWriter(1 + list.length).vec8(list).finish();
}

/**
 * Decode an ECPointFormatList. RFC 8422 §5.1.2: a list without `uncompressed` is
 * `illegal_parameter`; an empty list or trailing bytes `decode_error`.
 */
export function decodeEcPointFormats(data: Uint8Array): number[] {
  const formats = [...decodeWhole(data, 'ec_point_formats', (r) => r.vec8(1))];
  if (!formats.includes(UNCOMPRESSED)) throw new TlsError('illegal_parameter', 'ec_point_formats: the uncompressed format is not offered');
  return formats;
}

/** Encode RenegotiationInfo: empty on an initial handshake (RFC 5746 §3.4, §3.6). */
export function encodeRenegotiationInfo(renegotiatedConnection: Uint8Array = new Uint8Array(0)): Uint8Array {
  checkLength(renegotiatedConnection, 0, 0xff, 'renegotiation_info');
  return new ByteWriter(1 + renegotiatedConnection.length).vec8(renegotiatedConnection).finish();
}

/** Decode RenegotiationInfo: the renegotiated_connection bytes (empty on an initial handshake). */
export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array {
  return decodeWhole(data, 'renegotiation_info', (r) => r.vec8());
}
