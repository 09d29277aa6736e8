import { UsageError } from '../../errors/tls-error.ts';

// ECDSA signatures travel as DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
// (RFC 8446 §4.2.3, RFC 5480 §2.2.3, RFC 3279 §2.2.3); WebCrypto wants IEEE P1363 `r || s`,
// each integer left-padded to the curve's scalar size (W3C WebCrypto §23.4 "ECDSA").

interface Field {
  readonly start: number;
  readonly end: number;
}

/**
 * One DER TLV with tag `tag` at `at`: its content range, or undefined when the header is
 * malformed or runs past `limit`. Lengths are definite and minimal; an ECDSA-Sig-Value is
 * under 256 bytes for every curve, so one long-form length byte (0x81) is the most we take.
 */
function readTlv(der: Uint8Array, at: number, limit: number, tag: number): Field | undefined {
  if (at + 2 > limit || der[at] !== tag) return undefined;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length >= 0x80) {
    if (length !== 0x81 || start >= limit) return undefined;
    length = der[start++]!;
    if (length < 0x80) return undefined; // X.690 §10.1: the short form was required
  }
  const end = start + length;
  return end <= limit ? { start, end } : undefined;
}

/**
 * Write the DER INTEGER content `der[field]` right-aligned into `out[offset, offset+size)`.
 * False for an empty, negative or non-minimal INTEGER (X.690 §8.3.2), or one too large for
 * `size` bytes.
 */
function putInteger(der: Uint8Array, field: Field, out: Uint8Array, offset: number, size: number): boolean {
  let { start } = field;
  const { end } = field;
  if (end === start) return false;
  if ((der[start]! & 0x80) !== 0) return false; // negative
  if (end - start > 1 && der[start] === 0) {
    if ((der[start + 1]! & 0x80) === 0) return false; // a leading zero that does not stop a sign bit
    start++;
  }
  if (end - start > size) return false;
  out.set(der.subarray(start, end), offset + size - (end - start));
  return true;
}

/**
 * Convert a DER ECDSA-Sig-Value to IEEE P1363 `r || s` with `size`-byte integers (32 for
 * P-256, 48 for P-384, 66 for P-521). Undefined for anything that is not exactly one DER
 * SEQUENCE of two non-negative minimal INTEGERs that fit: the caller treats that as a wrong
 * signature. Range checks (0 < r, s < n) are left to the verifier.
 */
export function ecdsaDerToP1363(der: Uint8Array, size: number): Uint8Array | undefined {
  const sequence = readTlv(der, 0, der.length, 0x30);
  if (sequence === undefined || sequence.end !== der.length) return undefined;
  const r = readTlv(der, sequence.start, sequence.end, 0x02);
  if (r === undefined) return undefined;
  const s = readTlv(der, r.end, sequence.end, 0x02);
  if (s === undefined || s.end !== sequence.end) return undefined;
  const out = new Uint8Array(2 * size);
  return putInteger(der, r, out, 0, size) && putInteger(der, s, out, size, size) ? out : undefined;
}

/** One DER INTEGER holding the unsigned big-endian `value` (minimal: leading zeros dropped, 0x00 before a set top bit). */
function derInteger(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const pad = (value[start]! & 0x80) !== 0 ? 1 : 0;
  const length = value.length - start + pad;
  const out = new Uint8Array(2 + length);
  out[0] = 0x02;
  out[1] = length;
  out.set(value.subarray(start), 2 + pad);
  return out;
}

/**
 * Convert IEEE P1363 `r || s` (what WebCrypto's ECDSA `sign` returns) to a DER
 * ECDSA-Sig-Value. For P-521 (66-byte integers) the SEQUENCE is over 127 bytes and takes the
 * long length form `0x81 len` (X.690 §8.1.3.5). The input comes from WebCrypto: an odd length
 * or an empty buffer is a bug, not peer input.
 */
export function ecdsaP1363ToDer(p1363: Uint8Array): Uint8Array {
  const size = p1363.length / 2;
  if (size === 0 || !Number.isInteger(size)) throw new UsageError('ECDSA r || s from WebCrypto must have two equal halves');
  const r = derInteger(p1363.subarray(0, size));
  const s = derInteger(p1363.subarray(size));
  const length = r.length + s.length;
  const header = length < 0x80 ? [0x30, length] : [0x30, 0x81, length];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(r, header.length);
  out.set(s, header.length + r.length);
  return out;
}
