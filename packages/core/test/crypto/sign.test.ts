// Signing with the noble and WebCrypto providers, for every scheme a TLS 1.3 CertificateVerify
// can use (and rsa_pkcs1_sha256): each signature verifies with node:crypto (OpenSSL) and with our
// own `verify`; keys come from node:crypto through `loadPrivateKey`. Also: RSA with noble goes
// to WebCrypto (a Promise) and refuses to run without it, wrong key kinds are UsageError, and
// the WebCrypto provider caches imported keys and falls back to noble where WebCrypto lacks an
// algorithm.
import { generateKeyPairSync, verify as nodeVerify, constants, randomBytes, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { createWebCryptoProvider, webCryptoProvider } from '../../src/crypto/webcrypto/index.ts';
import { ecdsaDerToP1363, ecdsaP1363ToDer } from '../../src/crypto/webcrypto/ecdsa-signature.ts';
import type { WebCryptoSubtle } from '../../src/crypto/webcrypto/subtle.ts';
import { certificateVerifyInput, isAllowedInCertificateVerify, schemeMatchesKey, signatureAlgorithmFor } from '../../src/crypto/signature-schemes.ts';
import { SignatureScheme, nameOf } from '../../src/codec/enums.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { loadPrivateKey } from '../../src/x509/keys.ts';
import type { CryptoProvider, HashAlgorithm, PrivateKey, SignatureAlgorithm } from '../../src/crypto/provider.ts';
import { CURVE_ORDER, decodeEcdsaDer, publicKeyOf } from './signature-fixtures.ts';

interface TestKey {
  readonly node: KeyObject;
  readonly key: PrivateKey;
}

function makeKey(kind: 'P-256' | 'P-384' | 'P-521' | 'ed25519' | 'rsa2048'): TestKey {
  const pair =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : kind === 'rsa2048'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: kind });
  return { node: pair.publicKey, key: loadPrivateKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string) };
}

const KEYS = {
  'P-256': makeKey('P-256'),
  'P-384': makeKey('P-384'),
  'P-521': makeKey('P-521'),
  ed25519: makeKey('ed25519'),
  rsa: makeKey('rsa2048'),
};

const keyFor = (scheme: number): TestKey => Object.values(KEYS).find((k) => schemeMatchesKey(scheme, k.key.publicKey))!;

/** The schemes under test: every one allowed in a TLS 1.3 CertificateVerify that we implement, plus rsa_pkcs1_sha256. */
const SCHEMES: readonly number[] = [
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

/** node:crypto's verdict on `signature` (ECDSA as DER). */
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

const transcriptHash = (): Uint8Array => new Uint8Array(randomBytes(48));

/** The deterministic ECDSA signature of RFC 6979 over SHA-256(message), as DER. */
function rfc6979Signature(curve: 'P-256' | 'P-384' | 'P-521', key: PrivateKey, message: Uint8Array): Uint8Array {
  if (key.kind !== 'ecdsa') throw new Error('an ECDSA key');
  const noble = { 'P-256': p256, 'P-384': p384, 'P-521': p521 }[curve];
  return noble.sign(sha256(message), key.scalar, { prehash: false, lowS: false, extraEntropy: false, format: 'der' });
}

function expectUsageError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a UsageError').toBeInstanceOf(UsageError);
  expect((caught as Error).message).toMatch(pattern);
}

const PROVIDERS: readonly (readonly [string, CryptoProvider])[] = [
  ['noble', nobleProvider],
  ['webcrypto', webCryptoProvider],
];

describe.each(PROVIDERS)('%s sign', (name, provider) => {
  it('covers every CertificateVerify scheme we implement', () => {
    const implemented = Object.values(SignatureScheme).filter((s) => isAllowedInCertificateVerify(s) && signatureAlgorithmFor(s) !== undefined);
    expect(implemented.filter((s) => !SCHEMES.includes(s))).toEqual([]);
  });

  it.each(SCHEMES.map((s) => [nameOf.signatureScheme(s), s] as const))('%s: a CertificateVerify signature that node:crypto and our verify accept', async (_scheme, scheme) => {
    const algorithm = signatureAlgorithmFor(scheme)!;
    const { node, key } = keyFor(scheme);
    const message = certificateVerifyInput('server', transcriptHash());
    const signature = await provider.sign(algorithm, key, message);
    expect(nodeAccepts(algorithm, node, message, signature)).toBe(true);
    expect(await nobleProvider.verify(algorithm, key.publicKey, message, signature)).toBe(true);
    expect(await provider.verify(algorithm, key.publicKey, message, signature)).toBe(true);
    // ... and it is bound to the message.
    const other = message.slice();
    other[other.length - 1]! ^= 1;
    expect(nodeAccepts(algorithm, node, other, signature)).toBe(false);
  });

  it('ECDSA signatures are DER of the curve size, and differ for the same message (hedged nonces) or are RFC 6979\'s', async () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
      const { key } = KEYS[curve];
      const message = certificateVerifyInput('client', transcriptHash());
      const algorithm: SignatureAlgorithm = { kind: 'ecdsa', hash: 'SHA-256' };
      const a = await provider.sign(algorithm, key, message);
      const b = await provider.sign(algorithm, key, message);
      if (name === 'webcrypto' && Buffer.from(a).equals(Buffer.from(b))) {
        // WebCrypto's nonces are the runtime's: OpenSSL (Node) draws random ones, Deno takes
        // RFC 6979's deterministic ones for P-256 and P-384 (as safe, RFC 6979 §3). Then the
        // signature must be exactly RFC 6979's (noble without extra entropy, high S kept).
        expect(Buffer.from(a).toString('hex')).toBe(Buffer.from(rfc6979Signature(curve, key, message)).toString('hex'));
      } else {
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
      }
      for (const sig of [a, b]) {
        const { r, s } = decodeEcdsaDer(sig);
        expect(r > 0n && r < CURVE_ORDER[curve]).toBe(true);
        expect(s > 0n && s < CURVE_ORDER[curve]).toBe(true);
      }
    }
  });

  it('Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic: byte for byte what node:crypto makes', async () => {
    const message = new Uint8Array(randomBytes(100));
    const { generateKeyPairSync: gen, sign } = await import('node:crypto');
    for (const type of ['ed25519', 'rsa'] as const) {
      const pair = type === 'ed25519' ? gen('ed25519') : gen('rsa', { modulusLength: 2048 });
      const key = loadPrivateKey(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
      const ours = await provider.sign(type === 'ed25519' ? { kind: 'ed25519' } : { kind: 'rsa-pkcs1', hash: 'SHA-384' }, key, message);
      const theirs = type === 'ed25519' ? sign(null, message, pair.privateKey) : sign('sha384', message, pair.privateKey);
      expect(Buffer.from(ours).toString('hex')).toBe(theirs.toString('hex'));
    }
  });

  it('a key of the wrong kind for the algorithm is a UsageError, at once', () => {
    expectUsageError(() => provider.sign({ kind: 'ecdsa', hash: 'SHA-256' }, KEYS.rsa.key, new Uint8Array(1)), /rsa private key cannot make ecdsa/);
    expectUsageError(() => provider.sign({ kind: 'ed25519' }, KEYS['P-256'].key, new Uint8Array(1)), /ecdsa private key cannot make ed25519/);
    expectUsageError(() => provider.sign({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, KEYS.ed25519.key, new Uint8Array(1)), /ed25519 private key cannot make rsa-pss/);
    expectUsageError(() => provider.sign({ kind: 'rsa-pkcs1', hash: 'SHA-256' }, KEYS['P-384'].key, new Uint8Array(1)), /ecdsa private key cannot make rsa-pkcs1/);
  });

  it('signs what the message was at the call, even if the caller reuses its buffer', async () => {
    for (const scheme of [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ed25519]) {
      const algorithm = signatureAlgorithmFor(scheme)!;
      const { node, key } = keyFor(scheme);
      const message = certificateVerifyInput('server', transcriptHash());
      const original = message.slice();
      const pending = provider.sign(algorithm, key, message);
      message.fill(0);
      expect(nodeAccepts(algorithm, node, original, await pending)).toBe(true);
    }
  });
});

describe('noble sign: the paths it takes', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('ECDSA and Ed25519 are synchronous', () => {
    const message = new Uint8Array(10);
    expect(nobleProvider.sign({ kind: 'ecdsa', hash: 'SHA-256' }, KEYS['P-256'].key, message)).toBeInstanceOf(Uint8Array);
    expect(nobleProvider.sign({ kind: 'ed25519' }, KEYS.ed25519.key, message)).toBeInstanceOf(Uint8Array);
  });

  it('ECDSA signatures are low-S', () => {
    for (let i = 0; i < 20; i++) {
      const sig = nobleProvider.sign({ kind: 'ecdsa', hash: 'SHA-256' }, KEYS['P-256'].key, new Uint8Array([i])) as Uint8Array;
      expect(decodeEcdsaDer(sig).s <= CURVE_ORDER['P-256'] / 2n).toBe(true);
    }
  });

  it('RSA goes to WebCrypto and returns a Promise, for PSS and PKCS#1 v1.5', async () => {
    const message = new Uint8Array(10);
    for (const algorithm of [signatureAlgorithmFor(SignatureScheme.rsa_pss_rsae_sha512)!, signatureAlgorithmFor(SignatureScheme.rsa_pkcs1_sha256)!]) {
      const spy = vi.spyOn(globalThis.crypto.subtle, 'sign');
      const pending = nobleProvider.sign(algorithm, KEYS.rsa.key, message);
      expect(pending).toBeInstanceOf(Promise);
      expect(nodeAccepts(algorithm, KEYS.rsa.node, message, await pending)).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockRestore();
    }
  });

  it('without WebCrypto, RSA signing is a UsageError (there is no BigInt fallback)', () => {
    vi.stubGlobal('crypto', undefined);
    expectUsageError(() => nobleProvider.sign({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, KEYS.rsa.key, new Uint8Array(1)), /RSA signing needs WebCrypto or a native provider/);
    expectUsageError(() => nobleProvider.sign({ kind: 'rsa-pkcs1', hash: 'SHA-256' }, KEYS.rsa.key, new Uint8Array(1)), /RSA signing needs WebCrypto/);
  });

  it('a malformed ECDSA scalar is a UsageError', () => {
    const k = KEYS['P-256'].key;
    if (k.kind !== 'ecdsa') throw new Error('unreachable');
    const zero: PrivateKey = { ...k, scalar: new Uint8Array(32) };
    expectUsageError(() => nobleProvider.sign({ kind: 'ecdsa', hash: 'SHA-256' }, zero, new Uint8Array(1)), /not a valid scalar/);
  });
});

/** The real SubtleCrypto, counting importKey calls and refusing the algorithm names in `missing` with NotSupportedError. */
function countingSubtle(missing: readonly string[] = [], withSign = true): WebCryptoSubtle & { readonly imports: string[]; signs: number } {
  const real: WebCryptoSubtle = globalThis.crypto.subtle;
  const imports: string[] = [];
  const unsupported = (name: string): Promise<never> => Promise.reject(new DOMException(`Unrecognized algorithm name ${name}`, 'NotSupportedError'));
  const subtle: WebCryptoSubtle & { imports: string[]; signs: number } = {
    imports,
    signs: 0,
    generateKey: (algorithm, extractable, usages) => real.generateKey(algorithm, extractable, usages),
    importKey: ((format: 'pkcs8', data: Uint8Array, algorithm: { name: string }, extractable: boolean, usages: 'sign'[]) => {
      imports.push(algorithm.name);
      return missing.includes(algorithm.name) ? unsupported(algorithm.name) : real.importKey(format, data, algorithm, extractable, usages);
    }) as WebCryptoSubtle['importKey'],
    exportKey: real.exportKey.bind(real) as WebCryptoSubtle['exportKey'],
    deriveBits: (algorithm, key, length) => real.deriveBits(algorithm, key, length),
    verify: (algorithm, key, signature, data) => real.verify(algorithm, key, signature, data),
  };
  if (withSign) {
    subtle.sign = (algorithm, key, data) => {
      subtle.signs++;
      return real.sign!(algorithm, key, data);
    };
  }
  return subtle;
}

describe('webcrypto sign: keys, caching, fallbacks', () => {
  it('imports a key once per PrivateKey and algorithm, and signs asynchronously', async () => {
    const subtle = countingSubtle();
    const provider = createWebCryptoProvider(subtle);
    const algorithm = signatureAlgorithmFor(SignatureScheme.ecdsa_secp384r1_sha384)!;
    for (let i = 0; i < 3; i++) {
      const message = new Uint8Array([i]);
      const pending = provider.sign(algorithm, KEYS['P-384'].key, message);
      expect(pending).toBeInstanceOf(Promise);
      expect(nodeAccepts(algorithm, KEYS['P-384'].node, message, await pending)).toBe(true);
    }
    expect(subtle.imports).toEqual(['ECDSA']);
    // The hash is bound to an RSA key at import: one import per hash, then reused.
    for (const scheme of [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha256]) {
      await provider.sign(signatureAlgorithmFor(scheme)!, KEYS.rsa.key, new Uint8Array(1));
    }
    expect(subtle.imports).toEqual(['ECDSA', 'RSA-PSS', 'RSA-PSS']);
    expect(subtle.signs).toBe(6);
  });

  it('an algorithm the runtime lacks (NotSupportedError) is signed by noble, synchronously from the next call', async () => {
    const subtle = countingSubtle(['Ed25519']);
    const provider = createWebCryptoProvider(subtle);
    const message = new Uint8Array([1, 2, 3]);
    const first = await provider.sign({ kind: 'ed25519' }, KEYS.ed25519.key, message);
    expect(nodeAccepts({ kind: 'ed25519' }, KEYS.ed25519.node, message, first)).toBe(true);
    const second = provider.sign({ kind: 'ed25519' }, KEYS.ed25519.key, message);
    expect(second).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(second as Uint8Array).equals(Buffer.from(first))).toBe(true);
    expect(subtle.imports).toEqual(['Ed25519']);
    expect(subtle.signs).toBe(0);
  });

  it('a SubtleCrypto without sign, or no WebCrypto at all, leaves ECDSA and Ed25519 to noble', () => {
    for (const provider of [createWebCryptoProvider(countingSubtle([], false)), createWebCryptoProvider({ ...countingSubtle(), sign: undefined } as unknown as WebCryptoSubtle)]) {
      const message = new Uint8Array([9]);
      const sig = provider.sign({ kind: 'ecdsa', hash: 'SHA-512' }, KEYS['P-521'].key, message);
      expect(sig).toBeInstanceOf(Uint8Array);
      expect(nodeAccepts({ kind: 'ecdsa', hash: 'SHA-512' }, KEYS['P-521'].node, message, sig as Uint8Array)).toBe(true);
    }
  });

  it('a key WebCrypto refuses is a UsageError (in the promise)', async () => {
    const provider = createWebCryptoProvider(countingSubtle());
    const k = KEYS['P-256'].key;
    const broken: PrivateKey = { ...k, pkcs8: k.pkcs8.subarray(0, 20) };
    await expect(provider.sign({ kind: 'ecdsa', hash: 'SHA-256' }, broken, new Uint8Array(1))).rejects.toThrow(UsageError);
  });
});

describe('ECDSA r || s to DER', () => {
  it('round-trips with the DER reader for every curve size, including leading zeros and set top bits', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 48, 66), fc.uint8Array({ minLength: 132, maxLength: 132 }), fc.nat(3), (size, bytes, zeros) => {
        const p1363 = bytes.slice(0, 2 * size);
        p1363.fill(0, 0, Math.min(zeros, size)); // r with leading zero bytes
        if (p1363.subarray(0, size).every((b) => b === 0)) p1363[size - 1] = 1;
        if (p1363.subarray(size).every((b) => b === 0)) p1363[2 * size - 1] = 1;
        const der = ecdsaP1363ToDer(p1363);
        expect(ecdsaDerToP1363(der, size)).toEqual(p1363);
        const { r, s } = decodeEcdsaDer(der);
        expect(r).toBe(BigInt(`0x${Buffer.from(p1363.subarray(0, size)).toString('hex')}`));
        expect(s).toBe(BigInt(`0x${Buffer.from(p1363.subarray(size)).toString('hex')}`));
      }),
    );
  });
});

it('the test keys are what node:crypto made', () => {
  for (const { node, key } of Object.values(KEYS)) expect(key.publicKey).toEqual(publicKeyOf(node));
});
