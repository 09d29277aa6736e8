/**
 * application_layer_protocol_negotiation, RFC 7301 §3.1:
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * Protocol names are opaque bytes (`h2`, `http/1.1` happen to be ASCII; nothing requires it).
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { checkLength, decodeWhole, usage, writeSection } from '../internal.ts';

/** Encode a ProtocolNameList: non-empty, each name 1..255 bytes. */
export function encodeProtocolNameList(names: readonly Uint8Array[]): Uint8Array {
  usage(names.length >= 1, 'application_layer_protocol_negotiation: no protocol names');
  for (const n of names) checkLength(n, 1, 0xff, 'application_layer_protocol_negotiation name');
  const w = new ByteWriter(64);
  writeSection(w, 2, 'application_layer_protocol_negotiation', (list) => {
    for (const n of names) list.vec8(n);
  });
  return w.finish();
}

/** Decode a ProtocolNameList: non-empty, no empty name (else `decode_error`). Names are copies. */
export function decodeProtocolNameList(data: Uint8Array): Uint8Array[] {
  return decodeWhole(data, 'application_layer_protocol_negotiation', (r) => {
    const list = r.sub16('application_layer_protocol_negotiation list', 1);
    const out: Uint8Array[] = [];
    while (!list.atEnd) out.push(list.vec8(1));
    return out;
  });
}

/** Encode the server's choice: a ProtocolNameList of exactly one name. */
export function encodeSelectedProtocol(name: Uint8Array): Uint8Array {
  return encodeProtocolNameList([name]);
}

/**
 * Decode the server's choice (EncryptedExtensions): RFC 7301 §3.1 requires exactly one name;
 * more than one → `illegal_parameter`. Whether it was offered is the handshake's check.
 */
export function decodeSelectedProtocol(data: Uint8Array): Uint8Array {
  const names = decodeProtocolNameList(data);
  if (names.length !== 1) throw new TlsError('illegal_parameter', `application_layer_protocol_negotiation: server selected ${names.length} protocols`);
  return names[0]!;
}
