// The node:crypto provider against the noble provider: the same hashes, HMACs, HKDF and AEAD
// output (sealed by one, opened by the other), key agreement between a node and a noble pair,
// the same verdict on the same signatures, and the RFC 8448 §3 key schedule.
import { createPrivateKey, diffieHellman, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleProvider, toHex, fromHex, concat, UsageError, TLS13_CIPHER_SUITES, type AeadAlgorithm, type CryptoProvider, type HashAlgorithm, type KeyExchangeGroup, type PublicKey, type SignatureAlgorithm } from '@rxtls/core';
import { nodeCryptoProvider } from '../src/node-crypto-provider.ts';
import { EarlySecret, exportKeyingMaterial, finishedVerifyData, nextApplicationTrafficSecret, stageSecret, trafficKeys } from '../../core/src/crypto/key-schedule.ts';
import { hkdfExpandLabel } from '../../core/src/crypto/hkdf-label.ts';
import { expectTlsError, flip } from '../../core/test/crypto/helpers.ts';
import { deriveSection3, section3, section3Expected, SECTION3_NAMES } from '../../core/test/crypto/section3.ts';
import { nodeSign, publicKeyOf, signatureCases } from '../../core/test/crypto/signature-fixtures.ts';
import { invalidNistShares, X25519_LOW_ORDER } from '../../core/test/crypto/key-share-fixtures.ts';

const node = nodeCryptoProvider;
const noble = nobleProvider;
const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const HASHES: readonly HashAlgorithm[] = ['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1'];
const AEADS: readonly AeadAlgorithm[] = ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'];
const KEY_LENGTH: Record<AeadAlgorithm, number> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'CHACHA20-POLY1305': 32 };
const HASH_LENGTH: Record<HashAlgorithm, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

describe('node provider: hash, HMAC, HKDF equal noble', () => {
  it('is named and offers the same groups', () => {
    expect(node.name).toBe('node');
    expect([...node.keyExchangeGroups].sort()).toEqual([...noble.keyExchangeGroups].sort());
    expect(node.randomBytes(33).length).toBe(33);
    expect(toHex(node.randomBytes(16))).not.toBe(toHex(node.randomBytes(16)));
  });

  it.each(HASHES)('%s: incremental hash, clone, digest twice', (h) => {
    const data = rand(300);
    const a = node.createHash(h).update(data.subarray(0, 100));
    const b = noble.createHash(h).update(data.subarray(0, 100));
    const aSnap = a.clone();
    a.update(data.subarray(100));
    b.update(data.subarray(100));
    expect(toHex(a.digest())).toBe(toHex(b.digest()));
    expect(toHex(a.digest())).toBe(toHex(b.digest()));
    expect(a.digest().length).toBe(HASH_LENGTH[h]);
    expect(toHex(aSnap.digest())).toBe(toHex(noble.createHash(h).update(data.subarray(0, 100)).digest()));
    a.update(data);
    expect(toHex(a.digest())).toBe(toHex(noble.createHash(h).update(data).update(data).digest()));
    expect(toHex(node.createHash(h).digest())).toBe(toHex(noble.createHash(h).digest()));
  });

  it.each(HASHES)('%s: HMAC with short, block-sized and long keys', (h) => {
    for (const keyLength of [0, 1, 32, 64, 128, 200]) {
      const key = rand(keyLength);
      const data = rand(77);
      expect(toHex(node.hmac(h, key, data))).toBe(toHex(noble.hmac(h, key, data)));
    }
  });

  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)('%s: HKDF-Extract (empty salt too) and HKDF-Expand up to 255 blocks', (h) => {
    for (const salt of [new Uint8Array(0), rand(HASH_LENGTH[h]), rand(7)]) {
      const ikm = rand(32);
      expect(toHex(node.hkdfExtract(h, salt, ikm))).toBe(toHex(noble.hkdfExtract(h, salt, ikm)));
    }
    const prk = rand(HASH_LENGTH[h]);
    const info = rand(30);
    for (const length of [1, 12, 16, HASH_LENGTH[h] - 1, HASH_LENGTH[h], HASH_LENGTH[h] + 1, 100, 255 * HASH_LENGTH[h]]) {
      expect(toHex(node.hkdfExpand(h, prk, info, length)), `L=${length}`).toBe(toHex(noble.hkdfExpand(h, prk, info, length)));
    }
    // RFC 5869 §2.3: L <= 255*HashLen; past that the one-byte block counter would wrap.
    expect(() => noble.hkdfExpand(h, prk, info, 255 * HASH_LENGTH[h] + 1)).toThrow(UsageError);
    expect(() => node.hkdfExpand(h, prk, info, 255 * HASH_LENGTH[h] + 1)).toThrow(UsageError);
  });
});

describe.each(AEADS)('node provider AEAD %s', (algorithm) => {
  const key = rand(KEY_LENGTH[algorithm]);
  const ours = node.createAead(algorithm, key);
  const theirs = noble.createAead(algorithm, key);

  it('seals what noble seals; each opens what the other sealed', () => {
    expect(ours.tagLength).toBe(16);
    for (const n of [0, 1, 15, 16, 17, 100, 16384 + 1]) {
      const nonce = rand(12);
      const aad = rand(5);
      const plaintext = rand(n);
      const a = ours.seal(nonce, aad, plaintext);
      const b = theirs.seal(nonce, aad, plaintext);
      expect(toHex(a), `${n} bytes`).toBe(toHex(b));
      expect(toHex(theirs.open(nonce, aad, a)!)).toBe(toHex(plaintext));
      expect(toHex(ours.open(nonce, aad, b)!)).toBe(toHex(plaintext));
    }
  });

  it('a flipped bit anywhere, a truncated tag or a short input gives null, never a throw', () => {
    const nonce = rand(12);
    const aad = rand(13);
    const sealed = theirs.seal(nonce, aad, rand(24));
    for (let bit = 0; bit < sealed.length * 8; bit++) expect(ours.open(nonce, aad, flip(sealed, bit >> 3, 1 << (bit & 7))), `bit ${bit}`).toBeNull();
    for (let bit = 0; bit < aad.length * 8; bit += 5) expect(ours.open(nonce, flip(aad, bit >> 3, 1 << (bit & 7)), sealed)).toBeNull();
    for (let bit = 0; bit < nonce.length * 8; bit += 5) expect(ours.open(flip(nonce, bit >> 3, 1 << (bit & 7)), aad, sealed)).toBeNull();
    for (let cut = 1; cut <= sealed.length; cut++) expect(ours.open(nonce, aad, sealed.subarray(0, sealed.length - cut)), `cut ${cut}`).toBeNull();
    expect(ours.open(nonce, aad, concat(sealed, new Uint8Array([0])))).toBeNull();
  });

  it('a nonce other than 12 bytes is a UsageError in both', () => {
    const sealed = theirs.seal(rand(12), new Uint8Array(0), rand(20));
    for (const n of [0, 8, 16]) {
      for (const aead of [ours, theirs]) {
        expect(() => aead.seal(new Uint8Array(n), new Uint8Array(0), rand(3))).toThrow(UsageError);
        expect(() => aead.open(new Uint8Array(n), new Uint8Array(0), sealed)).toThrow(UsageError);
      }
    }
  });

  it('keeps its own copy of the key; a key of the wrong length is a UsageError, as with noble', () => {
    const k = rand(KEY_LENGTH[algorithm]);
    const a = node.createAead(algorithm, k);
    const nonce = rand(12);
    const expected = toHex(noble.createAead(algorithm, k).seal(nonce, new Uint8Array(0), new Uint8Array([1])));
    k.fill(0);
    expect(toHex(a.seal(nonce, new Uint8Array(0), new Uint8Array([1])))).toBe(expected);
    for (const n of [0, 16, 24, 32, 33]) {
      if (n === KEY_LENGTH[algorithm]) continue;
      expect(() => noble.createAead(algorithm, new Uint8Array(n))).toThrow(UsageError);
      expect(() => node.createAead(algorithm, new Uint8Array(n))).toThrow(UsageError);
    }
  });
});

describe('node provider key exchange', () => {
  it.each(['x25519', 'secp256r1', 'secp384r1'] as const)('%s: a node pair and a noble pair agree (many times: no short outputs)', async (group: KeyExchangeGroup) => {
    const length = group === 'secp384r1' ? 48 : 32;
    for (let i = 0; i < 40; i++) {
      const a = await node.generateKeyPair(group);
      const b = await noble.generateKeyPair(group);
      expect(a.group).toBe(group);
      expect(a.publicKey.length).toBe(b.publicKey.length);
      const ab = await a.deriveSharedSecret(b.publicKey);
      expect(ab.length).toBe(length);
      expect(toHex(ab)).toBe(toHex(await b.deriveSharedSecret(a.publicKey)));
    }
    const c = await node.generateKeyPair(group);
    const d = await node.generateKeyPair(group);
    expect(toHex(await c.deriveSharedSecret(d.publicKey))).toBe(toHex(await d.deriveSharedSecret(c.publicKey)));
  });

  it.each(X25519_LOW_ORDER)('x25519 low-order point %s → TlsError(illegal_parameter)', async (_name, u) => {
    const pair = await node.generateKeyPair('x25519');
    await expectTlsError(() => pair.deriveSharedSecret(fromHex(u)), 'illegal_parameter');
  });

  it('x25519 shares of the wrong length → TlsError(illegal_parameter)', async () => {
    const pair = await node.generateKeyPair('x25519');
    for (const n of [0, 31, 33, 65]) await expectTlsError(() => pair.deriveSharedSecret(new Uint8Array(n).fill(9)), 'illegal_parameter');
  });

  it.each(['secp256r1', 'secp384r1'] as const)('%s: compressed, infinity, wrong-length and off-curve shares → TlsError(illegal_parameter)', async (group) => {
    const pair = await node.generateKeyPair(group);
    const valid = (await noble.generateKeyPair(group)).publicKey;
    for (const [name, share] of invalidNistShares(valid)) {
      const err = await expectTlsError(() => pair.deriveSharedSecret(share), 'illegal_parameter');
      expect(err.message, name).toContain(group);
    }
    expect((await pair.deriveSharedSecret(valid)).length).toBe(group === 'secp256r1' ? 32 : 48);
  });
});

describe('node provider verify: the same verdicts as noble', () => {
  const cases = signatureCases();

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await node.verify(c.algorithm, c.key, c.message, c.signature)).toBe(true);
    const s = c.signature;
    const mutations: [string, Uint8Array, Uint8Array][] = [
      ['message changed', flip(c.message, 3), s],
      ['first byte', c.message, flip(s, 0)],
      ['byte 5', c.message, flip(s, 5, 0x80)],
      ['middle byte', c.message, flip(s, s.length >> 1)],
      ['last byte', c.message, flip(s, s.length - 1)],
      ['truncated', c.message, s.subarray(0, s.length - 1)],
      ['one byte more', c.message, concat(s, new Uint8Array([0]))],
      ['empty', c.message, new Uint8Array(0)],
      ['zeros', c.message, new Uint8Array(s.length)],
      ['0xff', c.message, new Uint8Array(s.length).fill(0xff)],
      ['garbage', c.message, rand(s.length)],
    ];
    for (const [what, message, signature] of mutations) {
      expect(await node.verify(c.algorithm, c.key, message, signature), what).toBe(false);
      expect(await noble.verify(c.algorithm, c.key, message, signature), what).toBe(false);
    }
  });

  it('a key of the wrong kind throws TlsError(illegal_parameter) in both', async () => {
    const rsa = cases.find((c) => c.key.kind === 'rsa')!;
    const ec = cases.find((c) => c.key.kind === 'ecdsa')!;
    const ed = cases.find((c) => c.key.kind === 'ed25519')!;
    for (const p of [node, noble]) {
      await expectTlsError(() => p.verify(rsa.algorithm, ec.key, rsa.message, rsa.signature), 'illegal_parameter');
      await expectTlsError(() => p.verify(ec.algorithm, ed.key, ec.message, ec.signature), 'illegal_parameter');
      await expectTlsError(() => p.verify(ed.algorithm, rsa.key, ed.message, ed.signature), 'illegal_parameter');
    }
  });

  it('RSA keys under 1024 bits are refused by both, even with a valid signature', async () => {
    const message = new Uint8Array([1, 2, 3]);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 768 });
    for (const algorithm of [{ kind: 'rsa-pkcs1', hash: 'SHA-256' }, { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }] as const) {
      const signature = nodeSign(algorithm, privateKey, message);
      expect(await noble.verify(algorithm, publicKeyOf(publicKey), message, signature)).toBe(false);
      expect(await node.verify(algorithm, publicKeyOf(publicKey), message, signature)).toBe(false);
    }
  });

  it('RSA public exponent 1, even, or above 2^32 is refused by both', async () => {
    // e = 1 makes the encoded message its own signature: a forgery if accepted.
    const message = new Uint8Array([4, 5, 6]);
    const digest = noble.createHash('SHA-256').update(message).digest();
    const t = concat(fromHex('3031300d060960864801650304020105000420'), digest);
    const em = new Uint8Array(256).fill(0xff);
    em[0] = 0;
    em[1] = 1;
    em[256 - t.length - 1] = 0;
    em.set(t, 256 - t.length);
    const modulus = new Uint8Array(256).fill(0xff);
    const alg: SignatureAlgorithm = { kind: 'rsa-pkcs1', hash: 'SHA-256' };
    for (const p of [node, noble]) expect(await p.verify(alg, { kind: 'rsa', modulus, exponent: new Uint8Array([1]) }, message, em), p.name).toBe(false);
    const c = cases.find((x) => x.name === 'RSA-2048 PKCS#1 v1.5 SHA-256')!;
    if (c.key.kind !== 'rsa') throw new Error('unreachable');
    for (const exponent of [new Uint8Array([1, 0, 0]), concat(new Uint8Array([1]), new Uint8Array(4), new Uint8Array([1]))]) {
      const key: PublicKey = { ...c.key, exponent };
      for (const p of [node, noble]) expect(await p.verify(c.algorithm, key, c.message, c.signature), p.name).toBe(false);
    }
  });

  it('PSS: the salt must be the length asked for, in both', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const message = new Uint8Array([7]);
    const signature = nodeSign({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 20 }, privateKey, message);
    for (const p of [node, noble]) {
      expect(await p.verify({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 20 }, publicKeyOf(publicKey), message, signature), p.name).toBe(true);
      expect(await p.verify({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, publicKeyOf(publicKey), message, signature), p.name).toBe(false);
    }
  });

  it('malformed keys give false in both', async () => {
    const ec = cases.find((c) => c.name === 'ECDSA P-256 SHA-256 low-S')!;
    const ed = cases.find((c) => c.name === 'Ed25519')!;
    if (ec.key.kind !== 'ecdsa' || ed.key.kind !== 'ed25519') throw new Error('unreachable');
    for (const p of [node, noble]) {
      expect(await p.verify(ec.algorithm, { ...ec.key, point: flip(ec.key.point, 64) }, ec.message, ec.signature), p.name).toBe(false);
      expect(await p.verify(ec.algorithm, { ...ec.key, point: ec.key.point.subarray(0, 33) }, ec.message, ec.signature), p.name).toBe(false);
      expect(await p.verify(ed.algorithm, { kind: 'ed25519', key: ed.key.key.subarray(1) }, ed.message, ed.signature), p.name).toBe(false);
    }
  });
});

describe('the key schedule on the node provider', () => {
  it('RFC 8448 §3, value by value, with the shared secret from node:crypto X25519', () => {
    const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(section3.clientPrivateKey), x: b64u(section3.clientPublicKey) }, format: 'jwk' });
    const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(section3.serverPublicKey) }, format: 'jwk' });
    const shared = new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
    const ours = deriveSection3(node, shared);
    const expected = section3Expected();
    for (const name of SECTION3_NAMES) expect(toHex(ours[name]), name).toBe(toHex(expected[name]));
  });

  it.each(TLS13_CIPHER_SUITES.map((s) => [s.name, s] as const))('%s: the same schedule as noble from the same inputs (PSK, ECDHE, transcript)', (_name, suite) => {
    const psk = rand(suite.hashLength);
    const shared = rand(32);
    const run = (p: CryptoProvider): string[] => {
      const early = EarlySecret.create(p, suite, psk);
      const th = p.createHash(suite.hash).update(new Uint8Array([1, 2, 3])).digest();
      const hs = early.toHandshake(shared);
      const ms = hs.toMaster();
      const sAp = ms.serverApplicationTrafficSecret0(th);
      const keys = trafficKeys(p, suite, sAp);
      return [
        stageSecret(early),
        early.binderKey(false),
        early.binderKey(true),
        early.clientEarlyTrafficSecret(th),
        stageSecret(hs),
        hs.clientHandshakeTrafficSecret(th),
        stageSecret(ms),
        sAp,
        keys.key,
        keys.iv,
        finishedVerifyData(p, suite, sAp, th),
        nextApplicationTrafficSecret(p, suite, sAp),
        exportKeyingMaterial(p, suite, ms.exporterMasterSecret(th), 'EXPORTER-test', new Uint8Array([9]), 42),
        hkdfExpandLabel(p, suite.hash, sAp, 'label', new Uint8Array(0), 1000),
      ].map(toHex);
    };
    expect(run(node)).toEqual(run(noble));
  });
});
