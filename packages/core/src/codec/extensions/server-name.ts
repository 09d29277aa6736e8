/**
 * server_name, RFC 6066 §3:
 *
 *   struct {
 *     NameType name_type;
 *     select (name_type) { case host_name: HostName; } name;
 *   } ServerName;
 *   enum { host_name(0), (255) } NameType;
 *   opaque HostName<1..2^16-1>;
 *   struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 *
 * In EncryptedExtensions (and a TLS 1.2 ServerHello) the server's extension is empty: use
 * `decodeEmptyExtension`.
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { decodeWhole, usage } from '../internal.ts';

/** RFC 6066 §3 NameType host_name. */
export const NAME_TYPE_HOST_NAME = 0;

// RFC 6066 §3: "represented as a byte string using ASCII encoding without a trailing dot".
// Printable ASCII other than space; anything else is refused.
function isHostNameByte(b: number): boolean {
  return b > 0x20 && b < 0x7f;
}

/** Encode a ServerNameList holding one host_name. `hostName` is ASCII (A-labels), no trailing dot. */
export function encodeServerNameList(hostName: string): Uint8Array {
  usage(hostName.length >= 1 && hostName.length <= 0xffff - 3, 'server_name: host name length');
  const bytes = new Uint8Array(hostName.length);
  for (let i = 0; i < hostName.length; i++) {
    const c = hostName.charCodeAt(i);
    usage(isHostNameByte(c), `server_name: host name has a character that is not printable ASCII (use the A-label form)`);
    bytes[i] = c;
  }
  usage(!hostName.endsWith('.'), 'server_name: host name has a trailing dot');
  const w = new ByteWriter(bytes.length + 5);
  w.prefixed(2, (list) => list.u8(NAME_TYPE_HOST_NAME).vec16(bytes));
  return w.finish();
}

/**
 * Decode a ServerNameList and return its one host_name (as sent, not case-folded). Entries of
 * other name types are skipped, read as `opaque<1..2^16-1>` like host_name. No host_name, or more
 * than one (RFC 6066 §3), or a name that is not printable ASCII or ends in a dot →
 * `illegal_parameter`.
 */
export function decodeServerNameList(data: Uint8Array): string {
  return decodeWhole(data, 'server_name', (r) => {
    const list = r.sub16('server_name list', 1);
    let host: string | undefined;
    while (!list.atEnd) {
      const type = list.u8();
      const name = list.vec16(1);
      if (type !== NAME_TYPE_HOST_NAME) continue;
      if (host !== undefined) throw new TlsError('illegal_parameter', 'server_name: more than one host_name');
      if (!name.every(isHostNameByte)) throw new TlsError('illegal_parameter', 'server_name: host_name is not printable ASCII');
      if (name[name.length - 1] === 0x2e) throw new TlsError('illegal_parameter', 'server_name: host_name ends with a dot');
      host = '';
      for (const b of name) host += String.fromCharCode(b);
    }
    if (host === undefined) throw new TlsError('illegal_parameter', 'server_name: no host_name');
    return host;
  });
}
