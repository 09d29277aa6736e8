// Key exchange on the WebCrypto provider: agreement with the noble provider and node:crypto in
// both directions, the RFC 7748 vectors through PKCS#8 import, the shares RFC 8446 §4.2.8.2 /
// §7.4.2 tell us to refuse, and the fallback to noble where WebCrypto lacks a group.
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebCryptoProvider, webCryptoKeyPairFromPrivateKey, webCryptoProvider } from '../../src/crypto/webcrypto/index.ts';
import { keyPairFromPrivateKey, nobleProvider } from '../../src/crypto/noble/index.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair } from '../../src/crypto/provider.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { fromHex, toHex } from '../../src/bytes/util.ts';
import { expectTlsError } from './helpers.ts';
import { X25519_LOW_ORDER, invalidNistShares } from './key-share-fixtures.ts';
import type { WebCryptoSubtle } from '../../src/crypto/webcrypto/subtle.ts';

const GROUPS = ['x25519', 'secp256r1', 'secp384r1'] as const;
const SHARE_LENGTH: Record<KeyExchangeGroup, number> = { x25519: 32, secp256r1: 65, secp384r1: 97 };
const SECRET_LENGTH: Record<KeyExchangeGroup, number> = { x25519: 32, secp256r1: 32, secp384r1: 48 };
const NODE_CURVE = { secp256r1: 'prime256v1', secp384r1: 'secp384r1' } as const;
const isPromise = (value: unknown): boolean => value instanceof Promise;

/** The real SubtleCrypto, counting generateKey calls per algorithm name and refusing the names in `missing` with NotSupportedError. */
function countingSubtle(missing: readonly string[]): WebCryptoSubtle & { readonly generated: Map<string, number> } {
  const real: WebCryptoSubtle = globalThis.crypto.subtle;
  const generated = new Map<string, number>();
  return {
    generated,
    generateKey(algorithm, extractable, usages) {
      generated.set(algorithm.name, (generated.get(algorithm.name) ?? 0) + 1);
      if (missing.includes(algorithm.name)) return Promise.reject(new DOMException(`Unrecognized algorithm name ${algorithm.name}`, 'NotSupportedError'));
      return real.generateKey(algorithm, extractable, usages);
    },
    importKey: real.importKey.bind(real) as WebCryptoSubtle['importKey'],
    exportKey: real.exportKey.bind(real) as WebCryptoSubtle['exportKey'],
    deriveBits: (algorithm, key, length) => real.deriveBits(algorithm, key, length),
    verify: (algorithm, key, signature, data) => real.verify(algorithm, key, signature, data),
  };
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

describe('webcrypto provider: identity', () => {
  it("is named 'webcrypto', offers the three groups, and keeps noble's synchronous primitives", () => {
    expect(webCryptoProvider.name).toBe('webcrypto');
    expect([...webCryptoProvider.keyExchangeGroups].sort()).toEqual(['secp256r1', 'secp384r1', 'x25519']);
    const key = new Uint8Array(32).fill(7);
    const data = new Uint8Array([1, 2, 3]);
    expect(toHex(webCryptoProvider.hmac('SHA-256', key, data))).toBe(toHex(nobleProvider.hmac('SHA-256', key, data)));
    expect(toHex(webCryptoProvider.hkdfExpand('SHA-256', key, data, 70))).toBe(toHex(nobleProvider.hkdfExpand('SHA-256', key, data, 70)));
    const nonce = new Uint8Array(12);
    expect(toHex(webCryptoProvider.createAead('CHACHA20-POLY1305', key).seal(nonce, data, data))).toBe(toHex(nobleProvider.createAead('CHACHA20-POLY1305', key).seal(nonce, data, data)));
    expect(webCryptoProvider.randomBytes(33).length).toBe(33);
  });
});

describe('webcrypto key exchange: agreement', () => {
  for (const group of GROUPS) {
    it(`${group}: key generation and agreement are asynchronous (WANT_ASYNC), and give the right sizes`, async () => {
      const pending = webCryptoProvider.generateKeyPair(group);
      expect(isPromise(pending)).toBe(true);
      const a = await pending;
      const b = await webCryptoProvider.generateKeyPair(group);
      expect(a.group).toBe(group);
      expect(a.publicKey.length).toBe(SHARE_LENGTH[group]);
      if (group !== 'x25519') expect(a.publicKey[0]).toBe(0x04);
      expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
      const derived = a.deriveSharedSecret(b.publicKey);
      expect(isPromise(derived)).toBe(true);
      const ab = await derived;
      expect(ab.length).toBe(SECRET_LENGTH[group]);
      expect(toHex(await b.deriveSharedSecret(a.publicKey))).toBe(toHex(ab));
    });

    it(`${group}: a webcrypto pair and a noble pair agree both ways (10 random pairs), a third party does not`, async () => {
      for (let i = 0; i < 10; i++) {
        const ours = await webCryptoProvider.generateKeyPair(group);
        const noble = await nobleProvider.generateKeyPair(group);
        const fromOurs = await ours.deriveSharedSecret(noble.publicKey);
        expect(toHex(await noble.deriveSharedSecret(ours.publicKey))).toBe(toHex(fromOurs));
        const third = await nobleProvider.generateKeyPair(group);
        expect(toHex(await ours.deriveSharedSecret(third.publicKey))).not.toBe(toHex(fromOurs));
      }
    });
  }

  it('x25519 agrees with node:crypto in both directions', async () => {
    const ours = await webCryptoProvider.generateKeyPair('x25519');
    const theirs = generateKeyPairSync('x25519');
    const fromOurs = await ours.deriveSharedSecret(fromB64u(theirs.publicKey.export({ format: 'jwk' }).x));
    const ourKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(ours.publicKey) }, format: 'jwk' });
    expect(toHex(fromOurs)).toBe(toHex(new Uint8Array(diffieHellman({ privateKey: theirs.privateKey, publicKey: ourKey }))));
  });

  for (const group of ['secp256r1', 'secp384r1'] as const) {
    it(`${group} agrees with node:crypto ECDH in both directions (the x-coordinate, RFC 8446 §7.4.2)`, async () => {
      const ours = await webCryptoProvider.generateKeyPair(group);
      const theirs = createECDH(NODE_CURVE[group]);
      const fromOurs = await ours.deriveSharedSecret(new Uint8Array(theirs.generateKeys()));
      expect(toHex(fromOurs)).toBe(toHex(new Uint8Array(theirs.computeSecret(ours.publicKey))));
    });

    it(`${group}: webCryptoKeyPairFromPrivateKey gives noble's public key for the same scalar, and agrees with it`, async () => {
      const node = createECDH(NODE_CURVE[group]);
      node.generateKeys();
      // node drops leading zero bytes of the scalar (about 1 key in 256): pad it back.
      const raw = new Uint8Array(node.getPrivateKey());
      const scalar = new Uint8Array(group === 'secp384r1' ? 48 : 32);
      scalar.set(raw, scalar.length - raw.length);
      const ours = await webCryptoKeyPairFromPrivateKey(group, scalar);
      const noble = keyPairFromPrivateKey(group, scalar);
      expect(toHex(ours.publicKey)).toBe(toHex(noble.publicKey));
      const peer = await nobleProvider.generateKeyPair(group);
      expect(toHex(await ours.deriveSharedSecret(peer.publicKey))).toBe(toHex(await noble.deriveSharedSecret(peer.publicKey)));
    });
  }

  it('x25519 through PKCS#8 import: the RFC 7748 §6.1 public keys and shared secret', async () => {
    const alice = await webCryptoKeyPairFromPrivateKey('x25519', fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    const bob = await webCryptoKeyPairFromPrivateKey('x25519', fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
    expect(toHex(alice.publicKey)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(bob.publicKey)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(toHex(await alice.deriveSharedSecret(bob.publicKey))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    expect(toHex(await bob.deriveSharedSecret(alice.publicKey))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it('webCryptoKeyPairFromPrivateKey refuses a key of the wrong length, or a zero scalar, with UsageError', async () => {
    for (const [group, key] of [
      ['x25519', new Uint8Array(31)],
      ['secp256r1', new Uint8Array(48).fill(1)],
      ['secp384r1', new Uint8Array(32).fill(1)],
      ['secp256r1', new Uint8Array(32)],
    ] as const) {
      await expect(webCryptoKeyPairFromPrivateKey(group, key), `${group} ${key.length}`).rejects.toBeInstanceOf(UsageError);
    }
  });

  it('a share is copied before the promise settles: changing the caller buffer afterwards changes nothing', async () => {
    const ours = await webCryptoProvider.generateKeyPair('secp256r1');
    const peer = await nobleProvider.generateKeyPair('secp256r1');
    const buffer = peer.publicKey.slice();
    const pending = ours.deriveSharedSecret(buffer);
    buffer.fill(0);
    expect(toHex(await pending)).toBe(toHex(await peer.deriveSharedSecret(ours.publicKey)));
  });
});

describe('webcrypto key exchange: shares we refuse with illegal_parameter', () => {
  it('x25519: a share that is not 32 bytes', async () => {
    const pair = await webCryptoProvider.generateKeyPair('x25519');
    for (const length of [0, 31, 33, 65]) await expectTlsError(() => pair.deriveSharedSecret(new Uint8Array(length).fill(9)), 'illegal_parameter');
  });

  it('x25519: low-order points, whose shared secret is all zero (RFC 8446 §7.4.2), as noble refuses them', async () => {
    const pair = await webCryptoProvider.generateKeyPair('x25519');
    const noble = await nobleProvider.generateKeyPair('x25519');
    for (const [name, point] of X25519_LOW_ORDER) {
      const err = await expectTlsError(() => pair.deriveSharedSecret(fromHex(point)), 'illegal_parameter');
      expect(err.message, name).toMatch(/x25519/);
      await expectTlsError(() => noble.deriveSharedSecret(fromHex(point)), 'illegal_parameter');
    }
  });

  for (const group of ['secp256r1', 'secp384r1'] as const) {
    it(`${group}: compressed, hybrid, infinity, wrong-length and off-curve shares, as noble refuses them`, async () => {
      const pair = await webCryptoProvider.generateKeyPair(group);
      const noble = await nobleProvider.generateKeyPair(group);
      for (const [name, share] of invalidNistShares(noble.publicKey)) {
        const err = await expectTlsError(() => pair.deriveSharedSecret(share), 'illegal_parameter');
        expect(err.message, name).toMatch(new RegExp(group));
        await expectTlsError(() => noble.deriveSharedSecret(share), 'illegal_parameter');
      }
      // A valid point of the other NIST curve is the wrong length here.
      const other = await webCryptoProvider.generateKeyPair(group === 'secp256r1' ? 'secp384r1' : 'secp256r1');
      await expectTlsError(() => pair.deriveSharedSecret(other.publicKey), 'illegal_parameter');
    });
  }
});

describe('webcrypto key exchange: falling back to noble', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a runtime without X25519 in WebCrypto: detected once, then noble answers synchronously', async () => {
    const subtle = countingSubtle(['X25519']);
    const provider = createWebCryptoProvider(subtle);
    const first = await provider.generateKeyPair('x25519'); // the detection round trip
    const second = provider.generateKeyPair('x25519');
    expect(isPromise(second)).toBe(false);
    const third = await provider.generateKeyPair('x25519');
    expect(subtle.generated.get('X25519')).toBe(1);
    const peer = await webCryptoProvider.generateKeyPair('x25519');
    const secret = await first.deriveSharedSecret(peer.publicKey);
    expect(toHex(await peer.deriveSharedSecret(first.publicKey))).toBe(toHex(secret));
    expect(isPromise(third.deriveSharedSecret(peer.publicKey))).toBe(false); // a noble pair
    await expectTlsError(() => (second as KeyExchangeKeyPair).deriveSharedSecret(fromHex(X25519_LOW_ORDER[0]![1])), 'illegal_parameter');
    // The NIST groups still go to WebCrypto.
    expect(isPromise(provider.generateKeyPair('secp256r1'))).toBe(true);
    expect(subtle.generated.get('ECDH')).toBe(1);
  });

  it('a runtime with crypto.getRandomValues but no crypto.subtle (a page outside a secure context): noble throughout', async () => {
    const real = globalThis.crypto;
    const provider = createWebCryptoProvider(); // looks for crypto.subtle on first use, not now
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) });
    const pair = provider.generateKeyPair('secp384r1');
    expect(isPromise(pair)).toBe(false);
    const peer = await nobleProvider.generateKeyPair('secp384r1');
    const secret = await (pair as KeyExchangeKeyPair).deriveSharedSecret(peer.publicKey);
    expect(toHex(secret)).toBe(toHex(await peer.deriveSharedSecret((pair as KeyExchangeKeyPair).publicKey)));
  });
});
