/**
 * supported_groups, RFC 8446 §4.2.7:
 *
 *   struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
 */
import { decodeWhole, readU16List, writeU16List } from '../internal.ts';

/** Encode a NamedGroupList (non-empty). */
export function encodeNamedGroupList(groups: readonly number[]): Uint8Array {
  return writeU16List(groups, 'supported_groups', 1);
}

/** Decode a NamedGroupList: non-empty, even length (else `decode_error`). Unknown groups are kept. */
export function decodeNamedGroupList(data: Uint8Array): number[] {
  return decodeWhole(data, 'supported_groups', (r) => readU16List(r, 'supported_groups', 1));
}
