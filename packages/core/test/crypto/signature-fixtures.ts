// Signatures made by node:crypto (OpenSSL), for checking a provider's `verify`: RSA PKCS#1 v1.5
// and PSS with 2048-, 2049- and 3072-bit keys, ECDSA on P-256/P-384/P-521 (with each
// signature's s <-> n-s twin, so high-S is covered), Ed25519. Shared with transport-node's test.
import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import type { HashAlgorithm, PublicKey, SignatureAlgorithm } from '../../src/crypto/provider.ts';
import { utf8 } from '../../src/bytes/util.ts';

export interface SignatureCase {
  readonly name: string;
  readonly algorithm: SignatureAlgorithm;
  readonly key: PublicKey;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

const fromB64u = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));
const nodeHash = (h: HashAlgorithm): string => h.replace('-', '').toLowerCase();
const HASH_LENGTH: Record<HashAlgorithm, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** The order n of each curve (SEC 2 / FIPS 186-5). */
export const CURVE_ORDER = {
  'P-256': 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  'P-384': 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  'P-521': 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
} as const;

/** Our PublicKey for a node public KeyObject. */
export function publicKeyOf(key: KeyObject): PublicKey {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') return { kind: 'rsa', modulus: fromB64u(jwk.n), exponent: fromB64u(jwk.e) };
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { kind: 'ed25519', key: fromB64u(jwk.x) };
  if (jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521')) {
    const x = fromB64u(jwk.x);
    const y = fromB64u(jwk.y);
    const point = new Uint8Array(1 + x.length + y.length);
    point[0] = 4;
    point.set(x, 1);
    point.set(y, 1 + x.length);
    return { kind: 'ecdsa', curve: jwk.crv, point };
  }
  throw new Error(`signature-fixtures: unexpected key ${jwk.kty}/${jwk.crv}`);
}

/** Sign `message` with node:crypto as `algorithm` says. */
export function nodeSign(algorithm: SignatureAlgorithm, privateKey: KeyObject, message: Uint8Array): Uint8Array {
  switch (algorithm.kind) {
    case 'ed25519':
      return new Uint8Array(sign(null, message, privateKey));
    case 'ecdsa':
      return new Uint8Array(sign(nodeHash(algorithm.hash), message, { key: privateKey, dsaEncoding: 'der' }));
    case 'rsa-pkcs1':
      return new Uint8Array(sign(nodeHash(algorithm.hash), message, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }));
    case 'rsa-pss':
      return new Uint8Array(sign(nodeHash(algorithm.hash), message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength }));
  }
}

// --- DER ECDSA-Sig-Value ---------------------------------------------------------------

function toBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function derInteger(v: bigint): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = [...Buffer.from(hex, 'hex')];
  if ((bytes[0]! & 0x80) !== 0) bytes = [0, ...bytes];
  return new Uint8Array([0x02, bytes.length, ...bytes]);
}

function derLength(n: number): number[] {
  return n < 0x80 ? [n] : [0x81, n];
}

/** Decode a DER ECDSA-Sig-Value (test inputs only: short forms and 0x81 lengths). */
export function decodeEcdsaDer(der: Uint8Array): { r: bigint; s: bigint } {
  let at = 0;
  const take = (): number => der[at++]!;
  const len = (): number => {
    const first = take();
    return first === 0x81 ? take() : first;
  };
  if (take() !== 0x30) throw new Error('not a SEQUENCE');
  len();
  if (take() !== 0x02) throw new Error('not an INTEGER');
  const rl = len();
  const r = toBig(der.subarray(at, at + rl));
  at += rl;
  if (take() !== 0x02) throw new Error('not an INTEGER');
  const sl = len();
  const s = toBig(der.subarray(at, at + sl));
  return { r, s };
}

/** Encode r and s as a DER ECDSA-Sig-Value. */
export function encodeEcdsaDer(r: bigint, s: bigint): Uint8Array {
  const body = [...derInteger(r), ...derInteger(s)];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

// --- the cases ---------------------------------------------------------------------------

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: PublicKey;
}

let rsaKeys: Map<number, SigningKey> | undefined;

/** RSA keys of 2048, 2049 (emLen = k-1 for PSS) and 3072 bits, made once. */
export function rsaKeysBySize(): Map<number, SigningKey> {
  if (!rsaKeys) {
    rsaKeys = new Map();
    for (const bits of [2048, 2049, 3072]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      rsaKeys.set(bits, { privateKey, publicKey: publicKeyOf(publicKey) });
    }
  }
  return rsaKeys;
}

function ecKey(namedCurve: 'P-256' | 'P-384' | 'P-521'): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { privateKey, publicKey: publicKeyOf(publicKey) };
}

let cases: SignatureCase[] | undefined;

/** Every signature case (each one valid), made once per test file. */
export function signatureCases(): SignatureCase[] {
  if (cases) return cases;
  const out: SignatureCase[] = [];
  const message = utf8('rxtls: the bytes a CertificateVerify signs, or a TBSCertificate');
  for (const [bits, key] of rsaKeysBySize()) {
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const pkcs1: SignatureAlgorithm = { kind: 'rsa-pkcs1', hash };
      const pss: SignatureAlgorithm = { kind: 'rsa-pss', hash, saltLength: HASH_LENGTH[hash] };
      out.push({ name: `RSA-${bits} PKCS#1 v1.5 ${hash}`, algorithm: pkcs1, key: key.publicKey, message, signature: nodeSign(pkcs1, key.privateKey, message) });
      out.push({ name: `RSA-${bits} PSS ${hash}`, algorithm: pss, key: key.publicKey, message, signature: nodeSign(pss, key.privateKey, message) });
    }
  }
  const ecdsa: [('P-256' | 'P-384' | 'P-521'), HashAlgorithm][] = [
    ['P-256', 'SHA-256'],
    ['P-384', 'SHA-384'],
    ['P-521', 'SHA-512'],
    ['P-256', 'SHA-384'], // X.509 may pair a curve with another hash
  ];
  for (const [curve, hash] of ecdsa) {
    const key = ecKey(curve);
    const algorithm: SignatureAlgorithm = { kind: 'ecdsa', hash };
    const signature = nodeSign(algorithm, key.privateKey, message);
    const { r, s } = decodeEcdsaDer(signature);
    const twin = encodeEcdsaDer(r, CURVE_ORDER[curve] - s);
    const high = s > CURVE_ORDER[curve] / 2n ? signature : twin;
    const low = s > CURVE_ORDER[curve] / 2n ? twin : signature;
    out.push({ name: `ECDSA ${curve} ${hash} low-S`, algorithm, key: key.publicKey, message, signature: low });
    out.push({ name: `ECDSA ${curve} ${hash} high-S`, algorithm, key: key.publicKey, message, signature: high });
  }
  const ed = generateKeyPairSync('ed25519');
  const edAlgorithm: SignatureAlgorithm = { kind: 'ed25519' };
  out.push({ name: 'Ed25519', algorithm: edAlgorithm, key: publicKeyOf(ed.publicKey), message, signature: nodeSign(edAlgorithm, ed.privateKey, message) });
  cases = out;
  return out;
}
