// Key exchange on the noble provider: agreement between two noble key pairs and with
// node:crypto (OpenSSL), and the peer shares RFC 8446 §4.2.8.2 / §7.4.2 tell us to refuse.
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleProvider, keyPairFromPrivateKey } from '../../src/crypto/noble/index.ts';
import type { KeyExchangeGroup } from '../../src/crypto/provider.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { fromHex, toHex } from '../../src/bytes/util.ts';
import { expectTlsError } from './helpers.ts';
import { X25519_LOW_ORDER, invalidNistShares } from './key-share-fixtures.ts';

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

const NIST: Record<'secp256r1' | 'secp384r1', { node: string; coordinate: number }> = {
  secp256r1: { node: 'prime256v1', coordinate: 32 },
  secp384r1: { node: 'secp384r1', coordinate: 48 },
};

describe('noble key exchange: agreement', () => {
  it('offers x25519, secp256r1 and secp384r1', () => {
    expect([...nobleProvider.keyExchangeGroups].sort()).toEqual(['secp256r1', 'secp384r1', 'x25519']);
  });

  for (const group of ['x25519', 'secp256r1', 'secp384r1'] as const) {
    it(`${group}: two fresh noble key pairs agree, and a third party gets another secret`, async () => {
      const a = await nobleProvider.generateKeyPair(group);
      const b = await nobleProvider.generateKeyPair(group);
      const c = await nobleProvider.generateKeyPair(group);
      expect(a.group).toBe(group);
      expect(a.publicKey.length).toBe(group === 'x25519' ? 32 : 1 + 2 * NIST[group].coordinate);
      if (group !== 'x25519') expect(a.publicKey[0]).toBe(0x04);
      const ab = await a.deriveSharedSecret(b.publicKey);
      expect(toHex(await b.deriveSharedSecret(a.publicKey))).toBe(toHex(ab));
      expect(ab.length).toBe(group === 'x25519' ? 32 : NIST[group].coordinate);
      expect(toHex(await a.deriveSharedSecret(c.publicKey))).not.toBe(toHex(ab));
      expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
    });
  }

  it('x25519 agrees with node:crypto in both directions', async () => {
    const ours = await nobleProvider.generateKeyPair('x25519');
    const theirs = generateKeyPairSync('x25519');
    const theirPublic = fromB64u(theirs.publicKey.export({ format: 'jwk' }).x);
    const fromOurs = await ours.deriveSharedSecret(theirPublic);
    const ourKeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(ours.publicKey) }, format: 'jwk' });
    const fromTheirs = new Uint8Array(diffieHellman({ privateKey: theirs.privateKey, publicKey: ourKeyObject }));
    expect(toHex(fromOurs)).toBe(toHex(fromTheirs));
  });

  for (const group of ['secp256r1', 'secp384r1'] as const) {
    it(`${group} agrees with node:crypto ECDH (the x-coordinate, RFC 8446 §7.4.2)`, async () => {
      const ours = await nobleProvider.generateKeyPair(group);
      const theirs = createECDH(NIST[group].node);
      const theirPublic = new Uint8Array(theirs.generateKeys());
      const fromOurs = await ours.deriveSharedSecret(theirPublic);
      const fromTheirs = new Uint8Array(theirs.computeSecret(ours.publicKey));
      expect(toHex(fromOurs)).toBe(toHex(fromTheirs));
    });

    it(`${group}: keyPairFromPrivateKey gives node's public key for the same scalar`, () => {
      const node = createECDH(NIST[group].node);
      node.generateKeys();
      // node drops the scalar's leading zero bytes (1 key in 256): pad to the curve's length.
      const raw = node.getPrivateKey();
      const scalar = new Uint8Array(NIST[group].coordinate);
      scalar.set(raw, scalar.length - raw.length);
      const pair = keyPairFromPrivateKey(group, scalar);
      expect(toHex(pair.publicKey)).toBe(toHex(new Uint8Array(node.getPublicKey())));
    });
  }

  it('x25519: keyPairFromPrivateKey gives the RFC 7748 §6.1 public keys and shared secret', async () => {
    // RFC 7748 §6.1 (Alice and Bob).
    const alice = keyPairFromPrivateKey('x25519', fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    const bob = keyPairFromPrivateKey('x25519', fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
    expect(toHex(alice.publicKey)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(bob.publicKey)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(toHex(await alice.deriveSharedSecret(bob.publicKey))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });
});

describe('noble key exchange: shares we refuse with illegal_parameter', () => {
  it('x25519: a share that is not 32 bytes', async () => {
    const pair = await nobleProvider.generateKeyPair('x25519');
    for (const length of [0, 31, 33, 65]) await expectTlsError(() => pair.deriveSharedSecret(new Uint8Array(length).fill(9)), 'illegal_parameter');
  });

  it('x25519: low-order points, whose shared secret is all zero (RFC 8446 §7.4.2)', async () => {
    const pair = await nobleProvider.generateKeyPair('x25519');
    for (const [name, point] of X25519_LOW_ORDER) {
      const err = await expectTlsError(() => pair.deriveSharedSecret(fromHex(point)), 'illegal_parameter');
      expect(err.message, name).toMatch(/x25519/);
    }
  });

  for (const group of ['secp256r1', 'secp384r1'] as const) {
    it(`${group}: compressed, hybrid, infinity, wrong-length and off-curve shares`, async () => {
      const pair = await nobleProvider.generateKeyPair(group);
      const valid = (await nobleProvider.generateKeyPair(group)).publicKey;
      const shares = invalidNistShares(valid);
      expect(shares.length).toBeGreaterThan(10);
      for (const [name, share] of shares) {
        const err = await expectTlsError(() => pair.deriveSharedSecret(share), 'illegal_parameter');
        expect(err.message, name).toContain(group);
      }
      // The valid share itself is accepted: the refusals above are about the encoding.
      expect((await pair.deriveSharedSecret(valid)).length).toBe(NIST[group].coordinate);
    });
  }
});

describe('keyPairFromPrivateKey: misuse', () => {
  it('refuses a private key of the wrong length, or a NIST scalar that is 0 or ≥ n, with UsageError', () => {
    const cases: [KeyExchangeGroup, Uint8Array][] = [
      ['x25519', new Uint8Array(31)],
      ['secp256r1', new Uint8Array(48)],
      ['secp384r1', new Uint8Array(32)],
      ['secp256r1', new Uint8Array(32)],
      ['secp256r1', new Uint8Array(32).fill(0xff)],
      ['secp384r1', new Uint8Array(48).fill(0xff)],
    ];
    for (const [group, key] of cases) expect(() => keyPairFromPrivateKey(group, key), group).toThrow(UsageError);
  });

  it('keeps its own copy of the private key', async () => {
    const key = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const pair = keyPairFromPrivateKey('x25519', key);
    const peer = await nobleProvider.generateKeyPair('x25519');
    const before = toHex(await pair.deriveSharedSecret(peer.publicKey));
    key.fill(0);
    expect(toHex(await pair.deriveSharedSecret(peer.publicKey))).toBe(before);
  });
});
