import { generateKeyPairSync, verify as nodeVerify, constants, createPublicKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { certificateVerifyInput } from '../../src/crypto/signature-schemes.ts';
import { Transcript } from '../../src/crypto/transcript.ts';
import { concat, fromHex, utf8 } from '../../src/bytes/util.ts';
import type { PublicKey, SignatureAlgorithm } from '../../src/crypto/provider.ts';
import { expectTlsError, flip, rfc8448Text } from './helpers.ts';
import { section3 } from './section3.ts';
import { CURVE_ORDER, decodeEcdsaDer, encodeEcdsaDer, nodeSign, publicKeyOf, rsaKeysBySize, signatureCases, type SignatureCase } from './signature-fixtures.ts';

const verify = async (algorithm: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> =>
  nobleProvider.verify(algorithm, key, message, signature);

const cases = signatureCases();
const byName = (name: string): SignatureCase => cases.find((c) => c.name === name)!;

describe('noble verify: signatures made by node:crypto', () => {
  it('covers every family the brief asks for', () => {
    const names = cases.map((c) => c.name);
    for (const bits of [2048, 3072]) for (const hash of ['SHA-256', 'SHA-384', 'SHA-512']) {
      expect(names).toContain(`RSA-${bits} PKCS#1 v1.5 ${hash}`);
      expect(names).toContain(`RSA-${bits} PSS ${hash}`);
    }
    for (const curve of ['P-256 SHA-256', 'P-384 SHA-384']) for (const s of ['low-S', 'high-S']) expect(names).toContain(`ECDSA ${curve} ${s}`);
    expect(names).toContain('Ed25519');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s verifies', async (_name, c) => {
    expect(await verify(c.algorithm, c.key, c.message, c.signature)).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: a changed message is refused', async (_name, c) => {
    for (const i of [0, c.message.length >> 1, c.message.length - 1]) expect(await verify(c.algorithm, c.key, flip(c.message, i), c.signature)).toBe(false);
    expect(await verify(c.algorithm, c.key, concat(c.message, new Uint8Array([0])), c.signature)).toBe(false);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: a changed signature byte is refused', async (_name, c) => {
    const n = c.signature.length;
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, n >> 1, n - 2, n - 1]) {
      for (const mask of [0x01, 0x80]) expect(await verify(c.algorithm, c.key, c.message, flip(c.signature, i, mask)), `byte ${i} ^ ${mask}`).toBe(false);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: truncated, extended, empty or garbage signatures are false, never a throw', async (_name, c) => {
    const s = c.signature;
    for (const bad of [s.subarray(0, s.length - 1), s.subarray(1), concat(s, new Uint8Array([0])), new Uint8Array(0), new Uint8Array(s.length), new Uint8Array(s.length).fill(0xff), new Uint8Array(randomBytes(s.length)), new Uint8Array(randomBytes(3))]) {
      expect(await verify(c.algorithm, c.key, c.message, bad)).toBe(false);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: a key of another kind throws TlsError(illegal_parameter)', async (_name, c) => {
    const others: PublicKey[] = [
      { kind: 'rsa', modulus: new Uint8Array(256).fill(0xc5), exponent: new Uint8Array([1, 0, 1]) },
      { kind: 'ecdsa', curve: 'P-256', point: new Uint8Array(65).fill(4) },
      { kind: 'ed25519', key: new Uint8Array(32) },
    ];
    const family = c.key.kind;
    for (const other of others.filter((o) => o.kind !== family)) await expectTlsError(() => verify(c.algorithm, other, c.message, c.signature), 'illegal_parameter');
  });

  it('a signature checks only under its own key', async () => {
    const a = byName('RSA-2048 PSS SHA-256');
    const b = byName('RSA-3072 PSS SHA-256');
    expect(await verify(a.algorithm, b.key, a.message, a.signature)).toBe(false);
    const p = byName('ECDSA P-256 SHA-256 low-S');
    const q = byName('ECDSA P-256 SHA-384 low-S');
    expect(await verify(p.algorithm, q.key, p.message, p.signature)).toBe(false);
  });
});

describe('noble verify: RSA specifics', () => {
  it('PKCS#1 v1.5 and PSS are not interchangeable, nor are hashes', async () => {
    const pkcs1 = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    const pss = byName('RSA-2048 PSS SHA-256');
    expect(await verify(pss.algorithm, pkcs1.key, pkcs1.message, pkcs1.signature)).toBe(false);
    expect(await verify(pkcs1.algorithm, pss.key, pss.message, pss.signature)).toBe(false);
    expect(await verify({ kind: 'rsa-pkcs1', hash: 'SHA-384' }, pkcs1.key, pkcs1.message, pkcs1.signature)).toBe(false);
    expect(await verify({ kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 }, pss.key, pss.message, pss.signature)).toBe(false);
  });

  it('PSS: the salt must have the length asked for (TLS: the hash length)', async () => {
    const key = rsaKeysBySize().get(2048)!;
    const message = utf8('salted');
    for (const saltLength of [0, 20, 31, 33, 64]) {
      const signature = nodeSign({ kind: 'rsa-pss', hash: 'SHA-256', saltLength }, key.privateKey, message);
      expect(await verify({ kind: 'rsa-pss', hash: 'SHA-256', saltLength }, key.publicKey, message, signature), `salt ${saltLength} as itself`).toBe(true);
      expect(await verify({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, key.publicKey, message, signature), `salt ${saltLength} as 32`).toBe(false);
    }
  });

  it('an RSA modulus under 1024 bits is refused even with a valid signature', async () => {
    const message = utf8('weak key');
    for (const bits of [768, 1016]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      for (const algorithm of [{ kind: 'rsa-pkcs1', hash: 'SHA-256' }, { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }] as const) {
        const signature = nodeSign(algorithm, privateKey, message);
        const padding = algorithm.kind === 'rsa-pss' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
        expect(nodeVerify('sha256', message, { key: publicKey, padding, saltLength: 32 }, signature), 'OpenSSL accepts it').toBe(true);
        expect(await verify(algorithm, publicKeyOf(publicKey), message, signature), `${bits} bits ${algorithm.kind}`).toBe(false);
      }
    }
  });

  it('a 1024-bit modulus is accepted: the RFC 8448 §3 server CertificateVerify (rsa_pss_rsae_sha256)', async () => {
    // RFC 8448 §3 gives the server's RSA key in its preamble; CertificateVerify signs the transcript up to Certificate.
    const block = /modulus \(public\):([\s\S]*?)public exponent:\s+([0-9a-f ]+)/.exec(rfc8448Text)!;
    const modulusHex = block[1]!
      .split('\n')
      .filter((l) => /^\s*([0-9a-f]{2}\s*)+$/.test(l))
      .join(' ');
    const key: PublicKey = { kind: 'rsa', modulus: fromHex(modulusHex), exponent: fromHex(block[2]!) };
    expect(key.modulus.length).toBe(128);
    const transcript = new Transcript(nobleProvider);
    for (const m of [section3.clientHello, section3.serverHello, section3.encryptedExtensions, section3.certificate]) transcript.add(m);
    transcript.selectHash('SHA-256');
    const cv = section3.certificateVerify;
    expect([...cv.subarray(4, 8)]).toEqual([0x08, 0x04, 0x00, 0x80]); // rsa_pss_rsae_sha256, 128 bytes
    const signature = cv.subarray(8);
    const content = certificateVerifyInput('server', transcript.hash());
    const pss: SignatureAlgorithm = { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 };
    expect(await verify(pss, key, content, signature)).toBe(true);
    expect(await verify(pss, key, certificateVerifyInput('client', transcript.hash()), signature)).toBe(false);
  });

  it('a modulus with a leading zero byte is the same modulus', async () => {
    const c = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    if (c.key.kind !== 'rsa') throw new Error('unreachable');
    const padded: PublicKey = { kind: 'rsa', modulus: concat(new Uint8Array([0]), c.key.modulus), exponent: c.key.exponent };
    expect(await verify(c.algorithm, padded, c.message, c.signature)).toBe(true);
  });

  it('a signature equal to or above the modulus is refused', async () => {
    const c = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    if (c.key.kind !== 'rsa') throw new Error('unreachable');
    expect(await verify(c.algorithm, c.key, c.message, c.key.modulus)).toBe(false);
  });

  it('public exponent 1 (signature = encoded message) cannot forge a PKCS#1 signature', async () => {
    // With e = 1, s^e mod n = s: anyone could write the encoded message as the signature.
    const message = utf8('forged');
    const digest = nobleProvider.createHash('SHA-256').update(message).digest();
    const digestInfo = concat(fromHex('3031300d060960864801650304020105000420'), digest);
    const k = 256;
    const em = new Uint8Array(k).fill(0xff);
    em[0] = 0;
    em[1] = 1;
    em[k - digestInfo.length - 1] = 0;
    em.set(digestInfo, k - digestInfo.length);
    const modulus = new Uint8Array(k).fill(0xff); // any 2048-bit n above em
    const alg: SignatureAlgorithm = { kind: 'rsa-pkcs1', hash: 'SHA-256' };
    expect(await verify(alg, { kind: 'rsa', modulus, exponent: new Uint8Array([1]) }, message, em)).toBe(false);
    expect(await verify(alg, { kind: 'rsa', modulus, exponent: new Uint8Array([]) }, message, em)).toBe(false);
  });

  it('an even or huge public exponent is refused', async () => {
    const c = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    if (c.key.kind !== 'rsa') throw new Error('unreachable');
    expect(await verify(c.algorithm, { ...c.key, exponent: new Uint8Array([1, 0, 0]) }, c.message, c.signature)).toBe(false);
    expect(await verify(c.algorithm, { ...c.key, exponent: concat(new Uint8Array(64).fill(0xff), new Uint8Array([1, 0, 1])) }, c.message, c.signature)).toBe(false);
  });
});

describe('noble verify: ECDSA specifics', () => {
  it('both s and n-s verify (X.509 signers produce high-S)', async () => {
    for (const curve of ['P-256 SHA-256', 'P-384 SHA-384', 'P-521 SHA-512']) {
      const low = byName(`ECDSA ${curve} low-S`);
      const high = byName(`ECDSA ${curve} high-S`);
      const order = CURVE_ORDER[curve.slice(0, 5) as keyof typeof CURVE_ORDER];
      expect(decodeEcdsaDer(high.signature).s > order / 2n).toBe(true);
      expect(decodeEcdsaDer(low.signature).s <= order / 2n).toBe(true);
      expect(await verify(high.algorithm, high.key, high.message, high.signature)).toBe(true);
    }
  });

  it('IEEE P1363 (raw r||s) is not DER: refused', async () => {
    const c = byName('ECDSA P-256 SHA-256 low-S');
    const { r, s } = decodeEcdsaDer(c.signature);
    const raw = fromHex(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'));
    expect(await verify(c.algorithm, c.key, c.message, raw)).toBe(false);
  });

  it('r or s of 0, or equal to n, is refused', async () => {
    const c = byName('ECDSA P-256 SHA-256 low-S');
    const { r, s } = decodeEcdsaDer(c.signature);
    const n = CURVE_ORDER['P-256'];
    for (const [rr, ss] of [[0n, s], [r, 0n], [n, s], [r, n], [r + n, s], [r, s + n]] as const) {
      expect(await verify(c.algorithm, c.key, c.message, encodeEcdsaDer(rr, ss))).toBe(false);
    }
  });

  it('a key that is not a point on the curve, or of the wrong size, is false', async () => {
    const c = byName('ECDSA P-256 SHA-256 low-S');
    if (c.key.kind !== 'ecdsa') throw new Error('unreachable');
    const offCurve = flip(c.key.point, 64);
    for (const point of [offCurve, c.key.point.subarray(0, 33), new Uint8Array([0]), new Uint8Array(0)]) {
      expect(await verify(c.algorithm, { kind: 'ecdsa', curve: 'P-256', point }, c.message, c.signature)).toBe(false);
    }
    // The P-256 point presented as a P-384 key.
    expect(await verify(c.algorithm, { kind: 'ecdsa', curve: 'P-384', point: c.key.point }, c.message, c.signature)).toBe(false);
  });
});

describe('noble verify: Ed25519 specifics', () => {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const c = byName('Ed25519');

  it('a non-canonical S (S + L) is refused (RFC 8032 §5.1.7)', async () => {
    const sig = c.signature;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    const sPlusL = s + L;
    expect(sPlusL < 2n ** 256n).toBe(true);
    const bad = sig.slice();
    let v = sPlusL;
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    expect(await verify(c.algorithm, c.key, c.message, bad)).toBe(false);
  });

  it('a key of the wrong length is false', async () => {
    if (c.key.kind !== 'ed25519') throw new Error('unreachable');
    for (const key of [c.key.key.subarray(0, 31), concat(c.key.key, new Uint8Array([0])), new Uint8Array(0)]) {
      expect(await verify(c.algorithm, { kind: 'ed25519', key }, c.message, c.signature)).toBe(false);
    }
  });

  it('node agrees the fixture key is the one that signed', () => {
    if (c.key.kind !== 'ed25519') throw new Error('unreachable');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(c.key.key).toString('base64url') }, format: 'jwk' });
    expect(nodeVerify(null, c.message, key, c.signature)).toBe(true);
  });
});
