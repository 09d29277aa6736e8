/**
 * key_share, RFC 8446 §4.2.8:
 *
 *   struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 *   struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 *   struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 *   struct { KeyShareEntry server_share; } KeyShareServerHello;
 */
import type { ByteReader } from '../../bytes/reader.ts';
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { NamedGroup, nameOf } from '../enums.ts';
import { checkLength, checkUint, decodeWhole, usage, writeSection } from '../internal.ts';

/** One key share: the group and the public value (a copy). */
export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

function writeEntry(w: ByteWriter, e: KeyShareEntry): void {
  checkUint(e.group, 16, 'key_share group');
  checkLength(e.keyExchange, 1, 0xffff, 'key_share key_exchange');
  w.u16(e.group).vec16(e.keyExchange);
}

/**
 * The exact key_exchange length of the groups whose shares have a fixed size: the
 * uncompressed points of RFC 8446 §4.2.8.2 and X25519/X448 (RFC 7748, RFC 8446 §4.2.8.2).
 */
const KEY_EXCHANGE_LENGTH: ReadonlyMap<number, number> = new Map([
  [NamedGroup.secp256r1, 65],
  [NamedGroup.secp384r1, 97],
  [NamedGroup.secp521r1, 133],
  [NamedGroup.x25519, 32],
  [NamedGroup.x448, 56],
]);

/** The length a share of `group` must have, when it has a fixed one. */
export function keyExchangeLength(group: number): number | undefined {
  return KEY_EXCHANGE_LENGTH.get(group);
}

/**
 * One entry. RFC 8446 §4.2.8: a share that is empty or of the wrong length for its group is
 * `illegal_parameter` (the peer's share cannot be used), checked for every entry, not only
 * the one we pick.
 */
function readEntry(r: ByteReader): KeyShareEntry {
  const group = r.u16();
  const keyExchange = r.vec16(0);
  const expected = keyExchangeLength(group);
  if (keyExchange.length === 0) throw new TlsError('illegal_parameter', `key_share: empty key_exchange for ${nameOf.namedGroup(group)}`);
  if (expected !== undefined && keyExchange.length !== expected) {
    throw new TlsError('illegal_parameter', `key_share: ${keyExchange.length}-byte key_exchange for ${nameOf.namedGroup(group)}, which takes ${expected}`);
  }
  return { group, keyExchange };
}

/** Encode the ClientHello form: the list of offered shares (may be empty, groups distinct). */
export function encodeKeyShareClientHello(entries: readonly KeyShareEntry[]): Uint8Array {
  usage(new Set(entries.map((e) => e.group)).size === entries.length, 'key_share: duplicate group');
  const w = new ByteWriter(64);
  writeSection(w, 2, 'key_share', (list) => {
    for (const e of entries) writeEntry(list, e);
  });
  return w.finish();
}

/**
 * Decode the ClientHello form. An empty key_exchange, one of the wrong length for its group,
 * or two shares for one group → `illegal_parameter` (RFC 8446 §4.2.8). The list may be empty (the client asks for an
 * HelloRetryRequest).
 */
export function decodeKeyShareClientHello(data: Uint8Array): KeyShareEntry[] {
  return decodeWhole(data, 'key_share', (r) => {
    const list = r.sub16('key_share client_shares');
    const out: KeyShareEntry[] = [];
    const seen = new Set<number>();
    while (!list.atEnd) {
      const e = readEntry(list);
      if (seen.has(e.group)) throw new TlsError('illegal_parameter', `key_share: two shares for group ${nameOf.namedGroup(e.group)}`);
      seen.add(e.group);
      out.push(e);
    }
    return out;
  });
}

/** Encode the ServerHello form: the server's one share. */
export function encodeKeyShareServerHello(entry: KeyShareEntry): Uint8Array {
  const w = new ByteWriter(4 + entry.keyExchange.length);
  writeEntry(w, entry);
  return w.finish();
}

/** Decode the ServerHello form: exactly one entry with a non-empty key_exchange. */
export function decodeKeyShareServerHello(data: Uint8Array): KeyShareEntry {
  return decodeWhole(data, 'key_share', readEntry);
}

/** Encode the HelloRetryRequest form: the selected group. */
export function encodeKeyShareHelloRetryRequest(group: number): Uint8Array {
  checkUint(group, 16, 'key_share selected_group');
  return Uint8Array.of(group >>> 8, group & 0xff);
}

/** Decode the HelloRetryRequest form: exactly 2 bytes. */
export function decodeKeyShareHelloRetryRequest(data: Uint8Array): number {
  return decodeWhole(data, 'key_share', (r) => r.u16());
}
