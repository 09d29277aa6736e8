/**
 * Small helpers over asn1js: strict whole-input decoding and value extraction. Every helper
 * throws on a shape it does not expect; `parseCertificate` turns that into
 * `CertificateError('parse')`.
 */
import * as asn1js from 'asn1js';

/** Thrown by the helpers below; never escapes x509/. */
export class Asn1ShapeError extends Error {
  override readonly name: string = 'Asn1ShapeError';
}

/** Decode one BER/DER element that must span all of `bytes`. */
export function decodeWhole(bytes: Uint8Array): asn1js.AsnType {
  const decoded = asn1js.fromBER(bytes);
  if (decoded.offset === -1 || decoded.offset !== bytes.length) throw new Asn1ShapeError('bad or trailing ASN.1');
  return decoded.result;
}

/** The elements of a constructed value (SEQUENCE, SET). */
export function childrenOf(node: asn1js.AsnType): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence) && !(node instanceof asn1js.Set)) throw new Asn1ShapeError('expected SEQUENCE or SET');
  return node.valueBlock.value as asn1js.AsnType[];
}

/** Contents of an OCTET STRING (constructed forms joined). */
export function octetsOf(node: unknown): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw new Asn1ShapeError('expected OCTET STRING');
  return new Uint8Array(node.getValue()).slice();
}

/** Contents of a BIT STRING with no unused bits (keys, signatures). */
export function bitStringBytes(node: asn1js.BitString): Uint8Array {
  if (node.valueBlock.unusedBits !== 0) throw new Asn1ShapeError('BIT STRING with unused bits');
  return node.valueBlock.valueHexView.slice();
}

/** Dotted form of an OBJECT IDENTIFIER. */
export function oidOf(node: unknown): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Asn1ShapeError('expected OBJECT IDENTIFIER');
  return node.getValue();
}

/** Unsigned big-endian magnitude of an INTEGER, leading zero bytes removed. */
export function unsignedOf(node: asn1js.Integer): Uint8Array {
  const raw = node.valueBlock.valueHexView;
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  return raw.slice(start);
}

/** A pkijs `number | Integer` field as a safe non-negative integer. */
export function smallInteger(value: number | asn1js.Integer): number {
  const n = typeof value === 'number' ? value : Number(value.toBigInt());
  if (!Number.isSafeInteger(n) || n < 0) throw new Asn1ShapeError('integer out of range');
  return n;
}
