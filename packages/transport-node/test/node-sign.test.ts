// Signing with the node:crypto provider: for every scheme a TLS 1.3 CertificateVerify can use
// (and rsa_pkcs1_sha256), a synchronous signature that node:crypto and the noble provider's
// `verify` accept, from keys loaded in each format by `loadPrivateKey`; deterministic schemes
// give the same bytes as the noble and WebCrypto providers; wrong key kinds are UsageError.
import { generateKeyPairSync, verify as nodeVerify, constants, randomBytes, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey, nobleProvider, webCryptoProvider, nameOf, SignatureScheme, UsageError, type HashAlgorithm, type PrivateKey, type SignatureAlgorithm } from '@rxtls/core';
import { nodeCryptoProvider } from '../src/node-crypto-provider.ts';
import { certificateVerifyInput, schemeMatchesKey, signatureAlgorithmFor } from '../../core/src/crypto/signature-schemes.ts';
import { CURVE_ORDER, decodeEcdsaDer, publicKeyOf } from '../../core/test/crypto/signature-fixtures.ts';

const node = nodeCryptoProvider;

interface TestKey {
  readonly publicKey: KeyObject;
  readonly key: PrivateKey;
}

/** A key from node:crypto, loaded from the given export format. */
function makeKey(type: 'P-256' | 'P-384' | 'P-521' | 'ed25519' | 'rsa', format: 'pkcs8' | 'sec1' | 'pkcs1'): TestKey {
  const pair = type === 'ed25519' ? generateKeyPairSync('ed25519') : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: type });
  return { publicKey: pair.publicKey, key: loadPrivateKey(pair.privateKey.export({ format: 'pem', type: format }) as string) };
}

const KEYS: readonly TestKey[] = [makeKey('P-256', 'sec1'), makeKey('P-384', 'pkcs8'), makeKey('P-521', 'sec1'), makeKey('ed25519', 'pkcs8'), makeKey('rsa', 'pkcs1')];
const keyFor = (scheme: number): TestKey => KEYS.find((k) => schemeMatchesKey(scheme, k.key.publicKey))!;

const SCHEMES = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ecdsa_secp521r1_sha512,
  SignatureScheme.ed25519,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pkcs1_sha256,
];

const nodeHash = (h: HashAlgorithm): string => h.replace('-', '').toLowerCase();

function nodeAccepts(algorithm: SignatureAlgorithm, key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  switch (algorithm.kind) {
    case 'ed25519':
      return nodeVerify(null, message, key, signature);
    case 'ecdsa':
      return nodeVerify(nodeHash(algorithm.hash), message, { key, dsaEncoding: 'der' }, signature);
    case 'rsa-pkcs1':
      return nodeVerify(nodeHash(algorithm.hash), message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    case 'rsa-pss':
      return nodeVerify(nodeHash(algorithm.hash), message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength }, signature);
  }
}

describe('node provider sign', () => {
  it('the keys are the ones node:crypto made', () => {
    for (const { publicKey, key } of KEYS) expect(key.publicKey).toEqual(publicKeyOf(publicKey));
  });

  it.each(SCHEMES.map((s) => [nameOf.signatureScheme(s), s] as const))('%s: synchronous, accepted by node:crypto and by noble verify', async (_name, scheme) => {
    const algorithm = signatureAlgorithmFor(scheme)!;
    const { publicKey, key } = keyFor(scheme);
    const message = certificateVerifyInput('server', new Uint8Array(randomBytes(32)));
    const signature = node.sign(algorithm, key, message);
    expect(signature).toBeInstanceOf(Uint8Array);
    const sig = signature as Uint8Array;
    expect(nodeAccepts(algorithm, publicKey, message, sig)).toBe(true);
    expect(nobleProvider.verify(algorithm, key.publicKey, message, sig)).toBe(true);
    expect(node.verify(algorithm, key.publicKey, message, sig)).toBe(true);
    const other = message.slice();
    other[0]! ^= 1;
    expect(nobleProvider.verify(algorithm, key.publicKey, other, sig)).toBe(false);
    if (algorithm.kind === 'rsa-pss') {
      // The salt is random: two signatures of one message differ, and both verify.
      const again = node.sign(algorithm, key, message) as Uint8Array;
      expect(Buffer.from(again).equals(Buffer.from(sig))).toBe(false);
      expect(nobleProvider.verify(algorithm, key.publicKey, message, again)).toBe(true);
    }
  });

  it('ECDSA output is a DER ECDSA-Sig-Value with r and s in [1, n-1]', () => {
    for (const scheme of [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ecdsa_secp384r1_sha384, SignatureScheme.ecdsa_secp521r1_sha512]) {
      const { key } = keyFor(scheme);
      if (key.kind !== 'ecdsa') throw new Error('unreachable');
      const { r, s } = decodeEcdsaDer(node.sign(signatureAlgorithmFor(scheme)!, key, new Uint8Array(7)) as Uint8Array);
      const n = CURVE_ORDER[key.curve];
      expect(r > 0n && r < n && s > 0n && s < n).toBe(true);
    }
  });

  it('Ed25519 and RSA PKCS#1 v1.5 (deterministic) give the same bytes as the noble and WebCrypto providers', async () => {
    const message = new Uint8Array(randomBytes(64));
    for (const scheme of [SignatureScheme.ed25519, SignatureScheme.rsa_pkcs1_sha256]) {
      const algorithm = signatureAlgorithmFor(scheme)!;
      const { key } = keyFor(scheme);
      const ours = Buffer.from(node.sign(algorithm, key, message) as Uint8Array).toString('hex');
      expect(Buffer.from(await nobleProvider.sign(algorithm, key, message)).toString('hex')).toBe(ours);
      expect(Buffer.from(await webCryptoProvider.sign(algorithm, key, message)).toString('hex')).toBe(ours);
    }
  });

  it('signatures by the noble and WebCrypto providers verify with the node provider', async () => {
    for (const scheme of SCHEMES) {
      const algorithm = signatureAlgorithmFor(scheme)!;
      const { key } = keyFor(scheme);
      const message = new Uint8Array(randomBytes(40));
      for (const provider of [nobleProvider, webCryptoProvider]) expect(node.verify(algorithm, key.publicKey, message, await provider.sign(algorithm, key, message))).toBe(true);
    }
  });

  it('a key of the wrong kind, or one OpenSSL cannot read, is a UsageError', () => {
    const [p256, , , ed, rsa] = KEYS as [TestKey, TestKey, TestKey, TestKey, TestKey];
    expect(() => node.sign({ kind: 'ecdsa', hash: 'SHA-256' }, rsa.key, new Uint8Array(1))).toThrow(/rsa private key cannot make ecdsa/);
    expect(() => node.sign({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, p256.key, new Uint8Array(1))).toThrow(UsageError);
    expect(() => node.sign({ kind: 'ed25519' }, rsa.key, new Uint8Array(1))).toThrow(UsageError);
    expect(() => node.sign({ kind: 'rsa-pkcs1', hash: 'SHA-256' }, ed.key, new Uint8Array(1))).toThrow(UsageError);
    const broken: PrivateKey = { ...p256.key, pkcs8: p256.key.pkcs8.subarray(0, 30) };
    expect(() => node.sign({ kind: 'ecdsa', hash: 'SHA-256' }, broken, new Uint8Array(1))).toThrow(/refused by node:crypto/);
  });
});
