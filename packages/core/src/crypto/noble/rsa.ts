import { concat } from '../../bytes/util.ts';
import type { HashAlgorithm } from '../provider.ts';

// RSA signature *verification* (RFC 8017 §8.1.2, §8.2.2) with BigInt. Verification uses only
// public values, so BigInt's variable timing leaks nothing secret. Never sign with this.

/** The smallest RSA modulus we verify with: weaker keys make `verify` return false. */
export const MIN_MODULUS_BITS = 1024;
/** The largest RSA modulus we verify with: larger keys (a cost attack) make `verify` return false. */
export const MAX_MODULUS_BITS = 8192;
/** Public exponents above 2^32 are refused: real keys use 65537, and a huge one costs time. */
const MAX_EXPONENT_BITS = 32;

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function toBytes(v: bigint, length: number): Uint8Array | undefined {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return v === 0n ? out : undefined;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * RSAVP1 (RFC 8017 §5.2.2): s^e mod n, or undefined when the key is outside our limits or the
 * signature is not a k-byte integer below n.
 */
function rsavp1(modulus: Uint8Array, exponent: Uint8Array, signature: Uint8Array): { em: bigint; n: bigint; bits: number } | undefined {
  const n = toBigInt(modulus);
  const bits = bitLength(n);
  if (bits < MIN_MODULUS_BITS || bits > MAX_MODULUS_BITS) return undefined;
  const k = Math.ceil(bits / 8);
  if (signature.length !== k) return undefined;
  const s = toBigInt(signature);
  if (s >= n) return undefined;
  const e = toBigInt(exponent);
  if (e < 3n || e % 2n === 0n || bitLength(e) > MAX_EXPONENT_BITS) return undefined;
  return { em: modPow(s, e, n), n, bits };
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1). */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, Uint8Array> = {
  'SHA-1': new Uint8Array([0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]),
  'SHA-256': new Uint8Array([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]),
  'SHA-384': new Uint8Array([0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30]),
  'SHA-512': new Uint8Array([0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]),
};

/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2), given the message digest: the whole
 * encoded message is rebuilt and compared, DigestInfo with NULL parameters (as Go does).
 */
export function verifyPkcs1(hash: HashAlgorithm, digest: Uint8Array, modulus: Uint8Array, exponent: Uint8Array, signature: Uint8Array): boolean {
  const r = rsavp1(modulus, exponent, signature);
  if (!r) return false;
  const k = Math.ceil(r.bits / 8);
  const em = toBytes(r.em, k);
  const t = concat(DIGEST_INFO_PREFIX[hash], digest);
  if (!em || k < t.length + 11) return false;
  // EM = 0x00 || 0x01 || PS (0xff...) || 0x00 || T
  const expected = new Uint8Array(k).fill(0xff);
  expected[0] = 0;
  expected[1] = 1;
  expected[k - t.length - 1] = 0;
  expected.set(t, k - t.length);
  return em.every((b, i) => b === expected[i]);
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(hashFn: (data: Uint8Array) => Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let counter = 0, at = 0; at < length; counter++) {
    const c = new Uint8Array([counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff]);
    const block = hashFn(concat(seed, c));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/** RSASSA-PSS verification (EMSA-PSS-VERIFY, RFC 8017 §9.1.2), given the message digest. */
export function verifyPss(hashFn: (data: Uint8Array) => Uint8Array, digest: Uint8Array, saltLength: number, modulus: Uint8Array, exponent: Uint8Array, signature: Uint8Array): boolean {
  const r = rsavp1(modulus, exponent, signature);
  if (!r) return false;
  const hLen = digest.length;
  const emBits = r.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = toBytes(r.em, emLen);
  if (!em || emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const unusedBits = 8 * emLen - emBits;
  const topMask = (0xff << (8 - unusedBits)) & 0xff;
  if ((maskedDb[0]! & topMask) !== 0) return false;
  const db = mgf1(hashFn, h, maskedDb.length).map((m, i) => m ^ maskedDb[i]!);
  db[0]! &= ~topMask & 0xff;
  const psLength = emLen - hLen - saltLength - 2;
  for (let i = 0; i < psLength; i++) if (db[i] !== 0) return false;
  if (db[psLength] !== 0x01) return false;
  const salt = db.subarray(db.length - saltLength);
  const hPrime = hashFn(concat(new Uint8Array(8), digest, salt));
  return hPrime.every((b, i) => b === h[i]);
}
