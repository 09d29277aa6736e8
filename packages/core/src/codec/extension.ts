/**
 * The generic extension block, RFC 8446 §4.2:
 *
 *   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
 *
 * An extension's `data` stays opaque here; the typed codecs in `extensions/` read it.
 */
import type { ByteReader } from '../bytes/reader.ts';
import type { ByteWriter } from '../bytes/writer.ts';
import { TlsError } from '../errors/tls-error.ts';
import { nameOf } from './enums.ts';
import { checkLength, checkUint, usage, writeSection } from './internal.ts';

/** One extension: its code point and its still-encoded `extension_data`. */
export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/**
 * Read a u16-length-prefixed extension block from `r`. The block must be consumed exactly;
 * each `data` is a copy. RFC 8446 §4.2: "There MUST NOT be more than one extension of the
 * same type in a given extension block" (duplicate → `illegal_parameter`).
 */
export function decodeExtensions(r: ByteReader, minLength = 0): Extension[] {
  const block = r.sub16(`${r.what} extensions`, minLength);
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!block.atEnd) {
    const type = block.u16();
    const data = block.vec16();
    if (seen.has(type)) {
      throw new TlsError('illegal_parameter', `${r.what}: duplicate extension ${nameOf.extensionType(type)}`);
    }
    seen.add(type);
    out.push({ type, data });
  }
  return out;
}

/** Write `exts` as a u16-length-prefixed extension block. Duplicate types are a caller bug. */
export function encodeExtensions(w: ByteWriter, exts: readonly Extension[]): void {
  const seen = new Set<number>();
  for (const e of exts) {
    checkUint(e.type, 16, 'extension type');
    checkLength(e.data, 0, 0xffff, `extension ${nameOf.extensionType(e.type)}`);
    usage(!seen.has(e.type), `duplicate extension ${nameOf.extensionType(e.type)}`);
    seen.add(e.type);
  }
  writeSection(w, 2, 'extension block', (inner) => {
    for (const e of exts) inner.u16(e.type).vec16(e.data);
  });
}

/** The `data` of the extension of `type`, or `undefined` when absent. */
export function findExtension(exts: readonly Extension[], type: number): Uint8Array | undefined {
  for (const e of exts) if (e.type === type) return e.data;
  return undefined;
}

/**
 * The types in `exts` that are not in `allowed`. RFC 8446 §4.2: an extension sent in a message
 * where the table there does not allow it → `illegal_parameter` (the caller decides).
 */
export function unexpectedExtensions(exts: readonly Extension[], allowed: ReadonlySet<number> | readonly number[]): number[] {
  const set = allowed instanceof Set ? allowed : new Set(allowed as readonly number[]);
  return exts.filter((e) => !set.has(e.type)).map((e) => e.type);
}
