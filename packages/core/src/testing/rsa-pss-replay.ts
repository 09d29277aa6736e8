/**
 * RSA-PSS signing that replays a known signature's salt, so a published trace (RFC 8448) can be
 * reproduced byte for byte. Test tooling only: the private-key operation is BigInt modPow, which
 * is not constant-time (never use it for a real key).
 */
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.ts';

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`));
function toBytes(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  for (base %= mod; exp > 0n; exp >>= 1n, base = (base * base) % mod) if (exp & 1n) r = (r * base) % mod;
  return r;
}

/** The RSA key numbers the replaying signer needs (big-endian). */
export interface RsaKeyNumbers {
  readonly modulus: Uint8Array;
  readonly publicExponent: Uint8Array;
  readonly privateExponent: Uint8Array;
}

function digest(provider: CryptoProvider, hash: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = provider.createHash(hash);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(provider: CryptoProvider, hash: HashAlgorithm, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let c = 0, at = 0; at < length; c++) {
    const block = digest(provider, hash, seed, toBytes(BigInt(c), 4));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/**
 * The salt inside an RSA-PSS signature (RFC 8017 §9.1.2 steps 1-10): RSAVP1, then unmask DB.
 * Throws a plain Error when the signature is not PSS-shaped.
 */
export function recoverPssSalt(provider: CryptoProvider, hash: HashAlgorithm, key: RsaKeyNumbers, signature: Uint8Array): Uint8Array {
  const n = toBig(key.modulus);
  const emBits = n.toString(2).length - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = toBytes(modPow(toBig(signature), toBig(key.publicExponent), n), emLen);
  const hLen = digest(provider, hash).length;
  if (em[emLen - 1] !== 0xbc) throw new Error('rsa-pss-replay: not a PSS signature');
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const db = mgf1(provider, hash, h, maskedDb.length).map((m, i) => m ^ maskedDb[i]!);
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const one = db.indexOf(1);
  if (one < 0 || db.subarray(0, one).some((b) => b !== 0)) throw new Error('rsa-pss-replay: malformed DB');
  return db.slice(one + 1);
}

/** RSASSA-PSS-SIGN (RFC 8017 §8.1.1, EMSA-PSS §9.1.1) with a given salt. */
export function rsaPssSignWithSalt(provider: CryptoProvider, hash: HashAlgorithm, key: RsaKeyNumbers, message: Uint8Array, salt: Uint8Array): Uint8Array {
  const n = toBig(key.modulus);
  const modBits = n.toString(2).length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const mHash = digest(provider, hash, message);
  const h = digest(provider, hash, new Uint8Array(8), mHash, salt);
  const db = new Uint8Array(emLen - h.length - 1);
  db[db.length - salt.length - 1] = 1;
  db.set(salt, db.length - salt.length);
  const masked = mgf1(provider, hash, h, db.length).map((m, i) => m ^ db[i]!);
  masked[0]! &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(masked);
  em.set(h, masked.length);
  em[emLen - 1] = 0xbc;
  return toBytes(modPow(toBig(em), toBig(key.privateExponent), n), Math.ceil(modBits / 8));
}

/**
 * A `sign` for {@link createDeterministicProvider}: RSA-PSS with `key`, using the salt found in
 * `knownSignature` (e.g. the trace's CertificateVerify), so the signature over the same input
 * equals it.
 */
export function replayingRsaPssSigner(provider: CryptoProvider, key: RsaKeyNumbers, knownSignature: Uint8Array): CryptoProvider['sign'] {
  return (algorithm, _privateKey, message) => {
    if (algorithm.kind !== 'rsa-pss') throw new Error(`rsa-pss-replay: asked to sign with ${algorithm.kind}`);
    const salt = recoverPssSalt(provider, algorithm.hash, key, knownSignature);
    return rsaPssSignWithSalt(provider, algorithm.hash, key, message, salt);
  };
}
