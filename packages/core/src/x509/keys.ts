/**
 * Private keys from PEM or DER: PKCS#8 (RFC 5208 §5, RFC 5958), SEC1 `ECPrivateKey`
 * (RFC 5915) and PKCS#1 `RSAPrivateKey` (RFC 8017 §A.1.2), normalised to one `PrivateKey`
 * with its public half and a PKCS#8 encoding that native providers import.
 *
 * Keys are configuration, not peer input: anything malformed or unsupported is the caller's
 * mistake and throws `UsageError` with a message that says what is wrong.
 */
import * as asn1js from 'asn1js';
import { bytesEqual } from '../bytes/util.ts';
import { UsageError } from '../errors/tls-error.ts';
import type { PrivateKey } from '../crypto/provider.ts';
// noble stays in crypto/noble/; the public halves of EC and Ed25519 keys are computed there.
import { ecdsaPublicPoint, ed25519PublicKey } from '../crypto/noble/public-key.ts';
import { Asn1ShapeError, bitStringBytes, childrenOf, decodeWhole, octetsOf, oidOf, unsignedOf } from './asn1.ts';
import { decodeBase64 } from './base64.ts';
import { Oid } from './oids.ts';

type Curve = 'P-256' | 'P-384' | 'P-521';
type KeyFormat = 'PKCS#8' | 'SEC1' | 'PKCS#1';

/** Scalar (and coordinate) length of each curve in bytes (SEC 1 §2.3.7). */
const SCALAR_LENGTH: Readonly<Record<Curve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

const CURVE_BY_OID: Readonly<Record<string, Curve>> = { [Oid.secp256r1]: 'P-256', [Oid.secp384r1]: 'P-384', [Oid.secp521r1]: 'P-521' };
const OID_BY_CURVE: Readonly<Record<Curve, string>> = { 'P-256': Oid.secp256r1, 'P-384': Oid.secp384r1, 'P-521': Oid.secp521r1 };

/** RSA moduli we sign with: at least 2048 bits (NIST SP 800-131A), at most what our verifiers accept. */
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

/** PEM labels of unencrypted private keys (RFC 7468 §10, §11; the SEC1 and PKCS#1 labels are OpenSSL's). */
const PEM_LABELS: Readonly<Record<string, KeyFormat>> = {
  'PRIVATE KEY': 'PKCS#8',
  'EC PRIVATE KEY': 'SEC1',
  'RSA PRIVATE KEY': 'PKCS#1',
};

const ENCRYPTED = 'encrypted keys are not supported: decrypt the key first (openssl pkey -in key.pem -out plain.pem)';

function fail(message: string): UsageError {
  return new UsageError(`private key: ${message}`);
}

// --- input: PEM or DER ---------------------------------------------------------------------

/**
 * The one private key block of a PEM text. Other blocks (certificates, `EC PARAMETERS`) are
 * skipped; an encrypted key (`ENCRYPTED PRIVATE KEY`, or RFC 1421 `Proc-Type: 4,ENCRYPTED`
 * headers) is refused, as is more than one key.
 */
function readPem(text: string): { readonly der: Uint8Array; readonly format: KeyFormat } {
  const found: { der: Uint8Array; format: KeyFormat }[] = [];
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  for (let m = begin.exec(text); m !== null; m = begin.exec(text)) {
    const label = m[1]!;
    if (label === 'ENCRYPTED PRIVATE KEY') throw fail(ENCRYPTED);
    const format = PEM_LABELS[label];
    if (format === undefined) continue;
    const end = `-----END ${label}-----`;
    const stop = text.indexOf(end, begin.lastIndex);
    if (stop < 0) throw fail(`the PEM block "${label}" is not closed`);
    const body = text.slice(begin.lastIndex, stop);
    // RFC 1421 §4.6.1.1: legacy OpenSSL encryption announces itself in the block's headers.
    if (/Proc-Type:\s*4\s*,\s*ENCRYPTED/i.test(body) || /DEK-Info:/i.test(body)) throw fail(ENCRYPTED);
    const der = decodeBase64(body);
    if (der === undefined || der.length === 0) throw fail(`the PEM block "${label}" has a malformed base64 body`);
    found.push({ der, format });
    begin.lastIndex = stop + end.length;
  }
  if (found.length === 0) throw fail('no private key found (expected a PEM block "PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY", or DER)');
  if (found.length > 1) throw fail(`the input holds ${found.length} private keys; pass one`);
  return found[0]!;
}

/**
 * Which structure a DER private key is, from the shape of its first two elements:
 * PKCS#8 `{ INTEGER, SEQUENCE, ... }`, SEC1 `{ INTEGER, OCTET STRING, ... }`, PKCS#1
 * `{ INTEGER, INTEGER, ... }`; an EncryptedPrivateKeyInfo (RFC 5958 §3) starts with a SEQUENCE.
 */
function sniffDer(der: Uint8Array): KeyFormat {
  const top = decodeWhole(der);
  const [first, second] = childrenOf(top);
  if (first instanceof asn1js.Sequence && second instanceof asn1js.OctetString) throw fail(ENCRYPTED);
  if (first instanceof asn1js.Integer) {
    if (second instanceof asn1js.Sequence) return 'PKCS#8';
    if (second instanceof asn1js.OctetString) return 'SEC1';
    if (second instanceof asn1js.Integer) return 'PKCS#1';
  }
  throw fail('the DER input is not a PKCS#8, SEC1 or PKCS#1 private key');
}

// --- ASN.1 helpers -------------------------------------------------------------------------

/** A small non-negative INTEGER (a version field). */
function versionOf(node: unknown): number {
  if (!(node instanceof asn1js.Integer)) throw new Asn1ShapeError('expected an INTEGER version');
  const bytes = node.valueBlock.valueHexView;
  if (bytes.length !== 1 || bytes[0]! >= 0x80) throw new Asn1ShapeError('version out of range');
  return bytes[0]!;
}

/** A context-specific [n] element (IMPLICIT or EXPLICIT). */
function isContext(node: unknown, tagNumber: number): node is asn1js.BaseBlock {
  return node instanceof asn1js.BaseBlock && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tagNumber;
}

/** The one element inside an EXPLICIT [n] tag. */
function explicitInner(node: asn1js.BaseBlock): unknown {
  if (!(node instanceof asn1js.Constructed) || node.valueBlock.value.length !== 1) throw new Asn1ShapeError('expected one element in an explicit tag');
  return node.valueBlock.value[0];
}

/** An unsigned INTEGER's magnitude; negative values are malformed keys. */
function positiveOf(node: unknown, what: string): Uint8Array {
  if (!(node instanceof asn1js.Integer)) throw new Asn1ShapeError(`expected INTEGER ${what}`);
  const raw = node.valueBlock.valueHexView;
  if (raw.length === 0 || (raw[0]! & 0x80) !== 0) throw new Asn1ShapeError(`${what} is negative`);
  return unsignedOf(node);
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return i === bytes.length ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

const der = (node: asn1js.BaseBlock): Uint8Array => new Uint8Array(node.toBER());

/** A DER INTEGER of an unsigned magnitude (X.690 §8.3: a 0x00 before a set top bit). */
function unsignedInteger(magnitude: Uint8Array): asn1js.Integer {
  const content = (magnitude[0]! & 0x80) !== 0 ? new Uint8Array([0, ...magnitude]) : magnitude;
  return new asn1js.Integer({ valueHex: content });
}

/** PrivateKeyInfo (RFC 5208 §5), version 0, without attributes. */
function privateKeyInfo(algorithm: asn1js.BaseBlock[], privateKey: Uint8Array): Uint8Array {
  return der(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 }), new asn1js.Sequence({ value: algorithm }), new asn1js.OctetString({ valueHex: privateKey })] }));
}

// --- EC (SEC1 / RFC 5915) ------------------------------------------------------------------

/** Does a SEC1 public key from the file (uncompressed or compressed) name the point we computed? */
function samePoint(given: Uint8Array, computed: Uint8Array, size: number): boolean {
  if (given[0] === 0x04) return bytesEqual(given, computed);
  if (given.length !== 1 + size || (given[0] !== 0x02 && given[0] !== 0x03)) return false;
  // SEC 1 §2.3.3: 02/03 || X, the prefix giving the parity of Y.
  return bytesEqual(given.subarray(1), computed.subarray(1, 1 + size)) && (given[0] & 1) === (computed[computed.length - 1]! & 1);
}

/**
 * An ECPrivateKey (RFC 5915 §3). `outerCurve` is the namedCurve of an enclosing PKCS#8
 * AlgorithmIdentifier; without one, the key's own [0] parameters must name the curve.
 */
function fromSec1(bytes: Uint8Array, outerCurve?: Curve): PrivateKey {
  const [version, privateKey, ...optional] = childrenOf(decodeWhole(bytes));
  if (versionOf(version) !== 1) throw fail('an EC private key must have version 1 (RFC 5915 §3)');
  const raw = octetsOf(privateKey);
  let curve = outerCurve;
  let givenPoint: Uint8Array | undefined;
  let next = 0;
  if (isContext(optional[next], 0)) {
    const params = explicitInner(optional[next++]!);
    if (!(params instanceof asn1js.ObjectIdentifier)) throw fail('explicit EC curve parameters are not supported: use a named curve (P-256, P-384, P-521)');
    const named = CURVE_BY_OID[oidOf(params)];
    if (named === undefined) throw fail(`the EC curve ${oidOf(params)} is not supported (P-256, P-384, P-521 are)`);
    if (curve !== undefined && curve !== named) throw fail(`the EC key says ${named} inside and ${curve} outside`);
    curve = named;
  }
  if (isContext(optional[next], 1)) {
    const inner = explicitInner(optional[next++]!);
    if (!(inner instanceof asn1js.BitString)) throw new Asn1ShapeError('expected a BIT STRING public key');
    givenPoint = bitStringBytes(inner);
  }
  if (next !== optional.length) throw new Asn1ShapeError('unexpected elements after the EC private key');
  if (curve === undefined) throw fail('the EC private key does not name its curve (no parameters)');

  // RFC 5915 §3: the scalar is ceiling(log2(n)/8) octets; some encoders drop leading zeros.
  const size = SCALAR_LENGTH[curve];
  if (raw.length > size) throw fail(`a ${curve} private key is ${size} bytes, got ${raw.length}`);
  const scalar = new Uint8Array(size);
  scalar.set(raw, size - raw.length);
  raw.fill(0);
  const point = ecdsaPublicPoint(curve, scalar);
  if (point === undefined) throw fail(`the ${curve} private key is not a scalar in [1, n-1]`);
  if (givenPoint !== undefined && !samePoint(givenPoint, point, size)) throw fail(`the ${curve} public key in the file does not belong to its private key`);

  const ecPrivateKey = der(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 1 }),
        new asn1js.OctetString({ valueHex: scalar }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.BitString({ valueHex: point })] }),
      ],
    }),
  );
  const pkcs8 = privateKeyInfo([new asn1js.ObjectIdentifier({ value: Oid.ecPublicKey }), new asn1js.ObjectIdentifier({ value: OID_BY_CURVE[curve] })], ecPrivateKey);
  ecPrivateKey.fill(0);
  return { kind: 'ecdsa', curve, scalar, publicKey: { kind: 'ecdsa', curve, point }, pkcs8 };
}

// --- RSA (PKCS#1) --------------------------------------------------------------------------

/**
 * An RSAPrivateKey (RFC 8017 §A.1.2): two-prime (version 0), a modulus of 2048..8192 bits
 * and an odd public exponent in [3, 2^32). The private numbers are checked for shape only and
 * never computed with (no BigInt on secrets): RSA signing is left to native code, which
 * finds out whether they belong together.
 */
function fromPkcs1(bytes: Uint8Array): PrivateKey {
  const fields = childrenOf(decodeWhole(bytes));
  const version = versionOf(fields[0]);
  if (version === 1 && fields[1] instanceof asn1js.Integer) throw fail('multi-prime RSA keys are not supported');
  if (version !== 0 || fields.length !== 9) throw new Asn1ShapeError('an RSAPrivateKey is version 0 and eight INTEGERs');
  const names = ['modulus', 'publicExponent', 'privateExponent', 'prime1', 'prime2', 'exponent1', 'exponent2', 'coefficient'];
  const values = names.map((name, i) => positiveOf(fields[i + 1], name));
  const modulus = values[0]!;
  const exponent = values[1]!;
  const modulusBits = bitLength(modulus);
  if (modulusBits < MIN_RSA_BITS) throw fail(`RSA keys of ${modulusBits} bits are too weak (at least ${MIN_RSA_BITS})`);
  if (modulusBits > MAX_RSA_BITS) throw fail(`RSA keys of ${modulusBits} bits are not supported (at most ${MAX_RSA_BITS})`);
  const eBits = bitLength(exponent);
  if (eBits < 2 || eBits > 32 || (exponent[exponent.length - 1]! & 1) === 0) throw fail('the RSA public exponent must be odd and in [3, 2^32)');
  // Re-encoded as DER (the input may be BER, which native importers refuse).
  const rsaPrivateKey = der(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 }), ...values.map(unsignedInteger)] }));
  for (const v of values.slice(2)) v.fill(0);
  // RFC 8017 §A.1: rsaEncryption with NULL parameters.
  const pkcs8 = privateKeyInfo([new asn1js.ObjectIdentifier({ value: Oid.rsaEncryption }), new asn1js.Null()], rsaPrivateKey);
  rsaPrivateKey.fill(0);
  return { kind: 'rsa', modulusBits, publicKey: { kind: 'rsa', modulus, exponent }, pkcs8 };
}

// --- Ed25519 (RFC 8410) --------------------------------------------------------------------

/** An Ed25519 CurvePrivateKey (RFC 8410 §7): an OCTET STRING of the 32-byte seed. */
function fromEd25519(bytes: Uint8Array, givenKey: Uint8Array | undefined): PrivateKey {
  const seed = octetsOf(decodeWhole(bytes));
  const key = ed25519PublicKey(seed);
  if (key === undefined) throw fail(`an Ed25519 private key is 32 bytes, got ${seed.length}`);
  if (givenKey !== undefined && !bytesEqual(givenKey, key)) throw fail('the Ed25519 public key in the file does not belong to its private key');
  const pkcs8 = privateKeyInfo([new asn1js.ObjectIdentifier({ value: Oid.ed25519 })], der(new asn1js.OctetString({ valueHex: seed })));
  return { kind: 'ed25519', seed, publicKey: { kind: 'ed25519', key }, pkcs8 };
}

// --- PKCS#8 --------------------------------------------------------------------------------

/**
 * A PrivateKeyInfo / OneAsymmetricKey (RFC 5208 §5, RFC 5958 §2): version 0 or 1,
 * attributes [0] ignored, a version-1 publicKey [1] checked against the private key.
 */
function fromPkcs8(bytes: Uint8Array): PrivateKey {
  const [version, algorithm, privateKey, ...optional] = childrenOf(decodeWhole(bytes));
  const v = versionOf(version);
  if (v > 1) throw new Asn1ShapeError(`PKCS#8 version ${v}`);
  const [algorithmOid, params, ...extra] = childrenOf(algorithm!);
  if (extra.length > 0) throw new Asn1ShapeError('AlgorithmIdentifier has extra elements');
  const inner = octetsOf(privateKey);
  let next = 0;
  if (isContext(optional[next], 0)) next++;
  let givenKey: Uint8Array | undefined;
  if (v === 1 && isContext(optional[next], 1)) {
    const node = optional[next++]!;
    if (!(node instanceof asn1js.Primitive)) throw new Asn1ShapeError('expected an IMPLICIT BIT STRING public key');
    const contents = node.valueBlock.valueHexView;
    if (contents[0] !== 0) throw new Asn1ShapeError('BIT STRING with unused bits');
    givenKey = contents.slice(1);
  }
  if (next !== optional.length) throw new Asn1ShapeError('unexpected elements after the private key');

  const oid = oidOf(algorithmOid);
  switch (oid) {
    case Oid.ecPublicKey: {
      if (!(params instanceof asn1js.ObjectIdentifier)) throw fail('explicit EC curve parameters are not supported: use a named curve (P-256, P-384, P-521)');
      const curve = CURVE_BY_OID[oidOf(params)];
      if (curve === undefined) throw fail(`the EC curve ${oidOf(params)} is not supported (P-256, P-384, P-521 are)`);
      const key = fromSec1(inner, curve);
      if (givenKey !== undefined && key.publicKey.kind === 'ecdsa' && !samePoint(givenKey, key.publicKey.point, SCALAR_LENGTH[curve])) {
        throw fail(`the ${curve} public key in the file does not belong to its private key`);
      }
      return key;
    }
    case Oid.ed25519:
      // RFC 8410 §3: the parameters are absent.
      if (params !== undefined) throw new Asn1ShapeError('Ed25519 AlgorithmIdentifier with parameters');
      return fromEd25519(inner, givenKey);
    case Oid.rsaEncryption:
      if (params !== undefined && !(params instanceof asn1js.Null)) throw new Asn1ShapeError('rsaEncryption parameters must be NULL');
      return fromPkcs1(inner);
    case Oid.rsassaPss:
      throw fail('RSASSA-PSS-only keys (id-RSASSA-PSS) are not supported: use an rsaEncryption key, which signs rsa_pss_rsae_* schemes');
    default:
      throw fail(`the key algorithm ${oid} is not supported (ECDSA P-256/P-384/P-521, Ed25519 and RSA are)`);
  }
}

const PARSERS: Readonly<Record<KeyFormat, (der: Uint8Array) => PrivateKey>> = {
  'PKCS#8': fromPkcs8,
  SEC1: (der) => fromSec1(der),
  'PKCS#1': fromPkcs1,
};

/**
 * A private key for signing, from PEM text or DER bytes.
 *
 * - PEM: one `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1, whose parameters name the curve)
 *   or `RSA PRIVATE KEY` (PKCS#1) block; other blocks in the text (certificates,
 *   `EC PARAMETERS`) are ignored. Bytes that do not start like DER are read as PEM text.
 * - DER: PKCS#8, SEC1 or PKCS#1, told apart by their structure.
 *
 * Supported keys: ECDSA on P-256, P-384 and P-521; Ed25519; RSA (rsaEncryption, two primes)
 * of 2048 to 8192 bits. The public half is derived from the private key (and must equal the
 * one stored in the file, if any); `pkcs8` is always a fresh PKCS#8 encoding of the key, also
 * for SEC1 and PKCS#1 input. Load a key once and reuse the object: providers cache their
 * imported form per object.
 *
 * @throws UsageError for an encrypted key (`encrypted keys are not supported`), for input that
 *   holds no key or several, for malformed input, and for unsupported algorithms and curves.
 */
export function loadPrivateKey(input: string | Uint8Array): PrivateKey {
  let der: Uint8Array;
  let format: KeyFormat | undefined;
  try {
    if (typeof input !== 'string' && input.length > 0 && input[0] === 0x30) {
      der = input;
      format = sniffDer(der);
    } else {
      ({ der, format } = readPem(typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input)));
    }
    return PARSERS[format](der);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof Asn1ShapeError) throw fail(`malformed ${format ?? 'DER'} structure (${error.message})`);
    throw fail(`malformed key: ${error instanceof Error ? error.message : String(error)}`);
  }
}
