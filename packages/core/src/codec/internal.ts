/**
 * Helpers shared by the codec's encoders and decoders. Not part of the public surface.
 */
import { ByteReader } from '../bytes/reader.ts';
import { ByteWriter } from '../bytes/writer.ts';
import { TlsError, UsageError } from '../errors/tls-error.ts';

/** Encoder input check: our own caller passed something that cannot go on the wire. */
export function usage(condition: boolean, message: string): asserts condition {
  if (!condition) throw new UsageError(message);
}

/** Encoder input check for an unsigned integer of `bits` bits. */
export function checkUint(value: number, bits: 8 | 16 | 24 | 32, what: string): void {
  usage(Number.isInteger(value) && value >= 0 && value < 2 ** bits, `${what}: ${value} is not a uint${bits}`);
}

/** Encoder input check for an opaque vector length. */
export function checkLength(bytes: Uint8Array, min: number, max: number, what: string): void {
  usage(bytes.length >= min && bytes.length <= max, `${what}: length ${bytes.length} outside ${min}..${max}`);
}

/**
 * Read a u16-length-prefixed list of u16 values (`NamedGroup named_group_list<2..2^16-1>`
 * and friends): the length must be even and at least `minItems * 2`.
 */
export function readU16List(r: ByteReader, what: string, minItems: number, prefix: 1 | 2 = 2): number[] {
  const sub = prefix === 1 ? r.sub8(what) : r.sub16(what);
  if (sub.remaining % 2 !== 0) throw new TlsError('decode_error', `${what}: odd list length ${sub.remaining}`);
  if (sub.remaining < minItems * 2) throw new TlsError('decode_error', `${what}: list is empty`);
  const out: number[] = [];
  while (!sub.atEnd) out.push(sub.u16());
  return out;
}

/** Encoder for a length-prefixed list of u16 values, checking the caller's input. */
export function writeU16List(values: readonly number[], what: string, minItems: number, prefix: 1 | 2 = 2): Uint8Array {
  usage(values.length >= minItems, `${what}: at least ${minItems} value(s) required`);
  const max = prefix === 1 ? 0xfe : 0xfffe;
  usage(values.length * 2 <= max, `${what}: too many values (${values.length})`);
  const out = new Uint8Array(prefix + values.length * 2);
  let at = 0;
  if (prefix === 2) out[at++] = (values.length * 2) >>> 8;
  out[at++] = (values.length * 2) & 0xff;
  for (const v of values) {
    checkUint(v, 16, what);
    out[at++] = v >>> 8;
    out[at++] = v & 0xff;
  }
  return out;
}

/** Decode an extension or message that must be read whole by `body`, rejecting trailing bytes. */
export function decodeWhole<T>(data: Uint8Array, what: string, body: (r: ByteReader) => T): T {
  const r = new ByteReader(data, what);
  const out = body(r);
  r.end();
  return out;
}

/**
 * Write a length-prefixed section built by `body`, refusing (with `UsageError`) a section too
 * long for its prefix instead of the writer's RangeError.
 */
export function writeSection(w: ByteWriter, prefixBytes: 1 | 2 | 3, what: string, body: (inner: ByteWriter) => void): void {
  const inner = new ByteWriter();
  body(inner);
  const max = 2 ** (8 * prefixBytes) - 1;
  usage(inner.length <= max, `${what}: ${inner.length} bytes exceed the ${max}-byte limit`);
  w.prefixed(prefixBytes, (outer) => outer.bytes(inner.finish()));
}
