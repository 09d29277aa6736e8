// Signature checks on the WebCrypto provider, against signatures made by node:crypto and
// against the noble provider's verdicts: the same answers on every valid, mutated, truncated
// or malformed input (DER ECDSA-Sig-Value converted to IEEE P1363), the same RSA key policy,
// imported keys cached per PublicKey object, and noble serving what WebCrypto lacks.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebCryptoProvider, webCryptoProvider } from '../../src/crypto/webcrypto/index.ts';
import { ecdsaDerToP1363 } from '../../src/crypto/webcrypto/ecdsa-signature.ts';
import type { WebCryptoSubtle } from '../../src/crypto/webcrypto/subtle.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { certificateVerifyInput } from '../../src/crypto/signature-schemes.ts';
import { Transcript } from '../../src/crypto/transcript.ts';
import { concat, fromHex, toHex, utf8 } from '../../src/bytes/util.ts';
import type { CryptoProvider, PublicKey, SignatureAlgorithm } from '../../src/crypto/provider.ts';
import { expectTlsError, flip, rfc8448Text } from './helpers.ts';
import { section3 } from './section3.ts';
import { CURVE_ORDER, decodeEcdsaDer, encodeEcdsaDer, nodeSign, publicKeyOf, rsaKeysBySize, signatureCases, type SignatureCase } from './signature-fixtures.ts';

const cases = signatureCases();
const byName = (name: string): SignatureCase => cases.find((c) => c.name === name)!;
const verifyWith = async (provider: CryptoProvider, algorithm: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> =>
  provider.verify(algorithm, key, message, signature);
const webcrypto = (algorithm: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> => verifyWith(webCryptoProvider, algorithm, key, message, signature);
const noble = (algorithm: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> => verifyWith(nobleProvider, algorithm, key, message, signature);

/** Both providers' verdicts; they must agree, and neither may throw. */
async function both(algorithm: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const [ours, reference] = await Promise.all([webcrypto(algorithm, key, message, signature), noble(algorithm, key, message, signature)]);
  expect(ours, 'webcrypto and noble disagree').toBe(reference);
  return ours;
}

/** The real SubtleCrypto, counting importKey calls per algorithm name and refusing the names in `missing` with NotSupportedError. */
function countingSubtle(missing: readonly string[] = []): WebCryptoSubtle & { readonly imports: Map<string, number> } {
  const real: WebCryptoSubtle = globalThis.crypto.subtle;
  const imports = new Map<string, number>();
  const unsupported = (name: string): Promise<never> => Promise.reject(new DOMException(`Unrecognized algorithm name ${name}`, 'NotSupportedError'));
  const importKey = (format: 'raw', data: Uint8Array, algorithm: { name: string }, extractable: boolean, usages: 'verify'[]): Promise<unknown> => {
    imports.set(algorithm.name, (imports.get(algorithm.name) ?? 0) + 1);
    return missing.includes(algorithm.name) ? unsupported(algorithm.name) : real.importKey(format, data, algorithm, extractable, usages);
  };
  return {
    imports,
    generateKey: (algorithm, extractable, usages) => real.generateKey(algorithm, extractable, usages),
    importKey: importKey as WebCryptoSubtle['importKey'],
    exportKey: real.exportKey.bind(real) as WebCryptoSubtle['exportKey'],
    deriveBits: (algorithm, key, length) => real.deriveBits(algorithm, key, length),
    verify: (algorithm, key, signature, data) => (missing.includes(algorithm.name) ? unsupported(algorithm.name) : real.verify(algorithm, key, signature, data)),
  };
}

describe('webcrypto verify: signatures made by node:crypto', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s verifies, asynchronously', async (_name, c) => {
    const verdict = webCryptoProvider.verify(c.algorithm, c.key, c.message, c.signature);
    expect(verdict).toBeInstanceOf(Promise);
    expect(await verdict).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: changed messages and signature bytes are refused, as by noble', async (_name, c) => {
    for (const i of [0, c.message.length >> 1, c.message.length - 1]) expect(await both(c.algorithm, c.key, flip(c.message, i), c.signature)).toBe(false);
    const n = c.signature.length;
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, n >> 1, n - 2, n - 1]) {
      for (const mask of [0x01, 0x80]) expect(await both(c.algorithm, c.key, c.message, flip(c.signature, i, mask)), `byte ${i} ^ ${mask}`).toBe(false);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: truncated, extended, empty or garbage signatures are false, never a throw', async (_name, c) => {
    const s = c.signature;
    for (const bad of [s.subarray(0, s.length - 1), s.subarray(1), concat(s, new Uint8Array([0])), new Uint8Array(0), new Uint8Array(s.length), new Uint8Array(s.length).fill(0xff), new Uint8Array(randomBytes(s.length)), new Uint8Array(randomBytes(3))]) {
      expect(await both(c.algorithm, c.key, c.message, bad)).toBe(false);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: random mutations get the same verdict from webcrypto and noble', async (_name, c) => {
    const runs = c.algorithm.kind.startsWith('rsa') ? 15 : 40;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: c.signature.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.nat({ max: c.signature.length }),
        fc.boolean(),
        async (at, mask, cut, truncate) => {
          const mutated = flip(c.signature, at, mask);
          await both(c.algorithm, c.key, c.message, truncate ? mutated.subarray(0, cut) : mutated);
        },
      ),
      { numRuns: runs },
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: a key of another kind throws TlsError(illegal_parameter)', async (_name, c) => {
    const others: PublicKey[] = [
      { kind: 'rsa', modulus: new Uint8Array(256).fill(0xc5), exponent: new Uint8Array([1, 0, 1]) },
      { kind: 'ecdsa', curve: 'P-256', point: new Uint8Array(65).fill(4) },
      { kind: 'ed25519', key: new Uint8Array(32) },
    ];
    for (const other of others.filter((o) => o.kind !== c.key.kind)) await expectTlsError(() => webcrypto(c.algorithm, other, c.message, c.signature), 'illegal_parameter');
  });

  it('a signature checks only under its own key', async () => {
    const a = byName('RSA-2048 PSS SHA-256');
    const b = byName('RSA-3072 PSS SHA-256');
    expect(await both(a.algorithm, b.key, a.message, a.signature)).toBe(false);
    const p = byName('ECDSA P-256 SHA-256 low-S');
    const q = byName('ECDSA P-256 SHA-384 low-S');
    expect(await both(p.algorithm, q.key, p.message, p.signature)).toBe(false);
  });

  it('message and signature are copied at the call: changing them while the check runs changes nothing', async () => {
    for (const c of [byName('ECDSA P-384 SHA-384 low-S'), byName('Ed25519'), byName('RSA-2048 PSS SHA-256')]) {
      const message = c.message.slice();
      const signature = c.signature.slice();
      const pending = webCryptoProvider.verify(c.algorithm, c.key, message, signature);
      message.fill(0);
      signature.fill(0);
      expect(await pending, c.name).toBe(true);
    }
  });
});

describe('webcrypto verify: RSA', () => {
  it('PKCS#1 v1.5 and PSS are not interchangeable, nor are hashes', async () => {
    const pkcs1 = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    const pss = byName('RSA-2048 PSS SHA-256');
    expect(await both(pss.algorithm, pkcs1.key, pkcs1.message, pkcs1.signature)).toBe(false);
    expect(await both(pkcs1.algorithm, pss.key, pss.message, pss.signature)).toBe(false);
    expect(await both({ kind: 'rsa-pkcs1', hash: 'SHA-384' }, pkcs1.key, pkcs1.message, pkcs1.signature)).toBe(false);
    expect(await both({ kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 }, pss.key, pss.message, pss.signature)).toBe(false);
  });

  it('PSS: the salt must have the length asked for', async () => {
    const key = rsaKeysBySize().get(2048)!;
    const message = utf8('salted');
    for (const saltLength of [0, 20, 31, 33, 64]) {
      const signature = nodeSign({ kind: 'rsa-pss', hash: 'SHA-256', saltLength }, key.privateKey, message);
      expect(await both({ kind: 'rsa-pss', hash: 'SHA-256', saltLength }, key.publicKey, message, signature), `salt ${saltLength} as itself`).toBe(true);
      expect(await both({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, key.publicKey, message, signature), `salt ${saltLength} as 32`).toBe(false);
    }
  });

  it('PKCS#1 v1.5 with SHA-1 (old X.509 certificates) verifies', async () => {
    const key = rsaKeysBySize().get(2048)!;
    const algorithm: SignatureAlgorithm = { kind: 'rsa-pkcs1', hash: 'SHA-1' };
    const message = utf8('legacy');
    expect(await both(algorithm, key.publicKey, message, nodeSign(algorithm, key.privateKey, message))).toBe(true);
  });

  it('an RSA modulus under 1024 bits is refused even with a valid signature (the noble key policy)', async () => {
    const message = utf8('weak key');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 768 });
    for (const algorithm of [{ kind: 'rsa-pkcs1', hash: 'SHA-256' }, { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }] as const) {
      expect(await both(algorithm, publicKeyOf(publicKey), message, nodeSign(algorithm, privateKey, message)), algorithm.kind).toBe(false);
    }
  });

  it('a 1024-bit modulus is accepted: the RFC 8448 §3 server CertificateVerify (rsa_pss_rsae_sha256)', async () => {
    const block = /modulus \(public\):([\s\S]*?)public exponent:\s+([0-9a-f ]+)/.exec(rfc8448Text)!;
    const modulusHex = block[1]!
      .split('\n')
      .filter((l) => /^\s*([0-9a-f]{2}\s*)+$/.test(l))
      .join(' ');
    const key: PublicKey = { kind: 'rsa', modulus: fromHex(modulusHex), exponent: fromHex(block[2]!) };
    const transcript = new Transcript(nobleProvider);
    for (const m of [section3.clientHello, section3.serverHello, section3.encryptedExtensions, section3.certificate]) transcript.add(m);
    transcript.selectHash('SHA-256');
    const signature = section3.certificateVerify.subarray(8);
    const pss: SignatureAlgorithm = { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 };
    expect(await webcrypto(pss, key, certificateVerifyInput('server', transcript.hash()), signature)).toBe(true);
    expect(await webcrypto(pss, key, certificateVerifyInput('client', transcript.hash()), signature)).toBe(false);
  });

  it('a modulus with a leading zero byte is the same modulus; a signature at or above the modulus is refused', async () => {
    const c = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    if (c.key.kind !== 'rsa') throw new Error('unreachable');
    expect(await both(c.algorithm, { ...c.key, modulus: concat(new Uint8Array([0]), c.key.modulus) }, c.message, c.signature)).toBe(true);
    expect(await both(c.algorithm, c.key, c.message, c.key.modulus)).toBe(false);
  });

  it('public exponent 1 or empty, even, or above 2^32 is refused', async () => {
    const c = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    if (c.key.kind !== 'rsa') throw new Error('unreachable');
    for (const exponent of [new Uint8Array([1]), new Uint8Array([]), new Uint8Array([1, 0, 0]), concat(new Uint8Array(64).fill(0xff), new Uint8Array([1, 0, 1]))]) {
      expect(await both(c.algorithm, { ...c.key, exponent }, c.message, c.signature), toHex(exponent)).toBe(false);
    }
    // e = 1 makes the encoded message its own signature: refused before WebCrypto sees it.
    const message = utf8('forged');
    const digestInfo = concat(fromHex('3031300d060960864801650304020105000420'), nobleProvider.createHash('SHA-256').update(message).digest());
    const em = new Uint8Array(256).fill(0xff);
    em[0] = 0;
    em[1] = 1;
    em[256 - digestInfo.length - 1] = 0;
    em.set(digestInfo, 256 - digestInfo.length);
    expect(await both({ kind: 'rsa-pkcs1', hash: 'SHA-256' }, { kind: 'rsa', modulus: new Uint8Array(256).fill(0xff), exponent: new Uint8Array([1]) }, message, em)).toBe(false);
  });
});

describe('webcrypto verify: ECDSA and DER', () => {
  const c = byName('ECDSA P-256 SHA-256 low-S');
  const { r, s } = decodeEcdsaDer(c.signature);
  const n = CURVE_ORDER['P-256'];
  const content = (v: bigint): number[] => [...encodeEcdsaDer(v, 1n).subarray(4, 4 + encodeEcdsaDer(v, 1n)[3]!)];
  const int = (bytes: number[]): number[] => [0x02, bytes.length, ...bytes];
  const seq = (body: number[]): Uint8Array => new Uint8Array([0x30, body.length, ...body]);
  const rInt = int(content(r));
  const sInt = int(content(s));
  const body = [...rInt, ...sInt];

  it('both s and n-s verify (X.509 signers produce high-S), on every curve', async () => {
    for (const curve of ['P-256 SHA-256', 'P-384 SHA-384', 'P-521 SHA-512']) {
      const high = byName(`ECDSA ${curve} high-S`);
      expect(await both(high.algorithm, high.key, high.message, high.signature), curve).toBe(true);
    }
  });

  it('a DER signature re-encoded from its r and s still verifies (the conversion is exact)', async () => {
    expect(await webcrypto(c.algorithm, c.key, c.message, seq(body))).toBe(true);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['a lone SEQUENCE tag', new Uint8Array([0x30])],
    ['IEEE P1363 r || s instead of DER', fromHex(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'))],
    ['SET instead of SEQUENCE', new Uint8Array([0x31, body.length, ...body])],
    ['long-form SEQUENCE length below 128 (not minimal)', new Uint8Array([0x30, 0x81, body.length, ...body])],
    ['two-byte SEQUENCE length', new Uint8Array([0x30, 0x82, 0, body.length, ...body])],
    ['indefinite SEQUENCE length', new Uint8Array([0x30, 0x80, ...body, 0, 0])],
    ['SEQUENCE length one too long', new Uint8Array([0x30, body.length + 1, ...body])],
    ['SEQUENCE length one too short', new Uint8Array([0x30, body.length - 1, ...body])],
    ['a byte after the SEQUENCE', concat(seq(body), new Uint8Array([0]))],
    ['s missing', seq(rInt)],
    ['a third INTEGER', seq([...body, 0x02, 0x01, 0x01])],
    ['a byte after s inside the SEQUENCE', seq([...body, 0])],
    ['r as an OCTET STRING', seq([0x04, ...rInt.slice(1), ...sInt])],
    ['empty r', seq([0x02, 0x00, ...sInt])],
    ['r with an unneeded leading zero', seq([...int([0, ...content(r)]), ...sInt])],
    ['s with an unneeded leading zero', seq([...rInt, ...int([0, ...content(s)])])],
    ['r + 2^256 (33 significant bytes)', seq([...int(content(r + 2n ** 256n)), ...sInt])],
    ['r length running past the SEQUENCE', seq([0x02, rInt[1]! + 40, ...rInt.slice(2), ...sInt])],
    ['r and s swapped', seq([...sInt, ...rInt])],
    ['r = 0', seq([...int([0]), ...sInt])],
    ['s = n', seq([...rInt, ...int(content(n))])],
    ['r = n + r', seq([...int(content(n + r)), ...sInt])],
  ] as const)('malformed or wrong DER is false from both providers, never a throw: %s', async (_name, bad) => {
    expect(await both(c.algorithm, c.key, c.message, bad)).toBe(false);
  });

  it('ecdsaDerToP1363 gives r || s padded to the scalar size for any DER-encoded r, s below 2^(8·size)', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 48, 66), fc.bigInt({ min: 0n, max: 2n ** 528n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 528n - 1n }), (size, r0, s0) => {
        const limit = 2n ** BigInt(8 * size);
        const [rr, ss] = [r0 % limit, s0 % limit];
        const p1363 = ecdsaDerToP1363(encodeEcdsaDer(rr, ss), size);
        expect(p1363 && toHex(p1363)).toBe(rr.toString(16).padStart(2 * size, '0') + ss.toString(16).padStart(2 * size, '0'));
        expect(ecdsaDerToP1363(encodeEcdsaDer(rr + limit, ss), size)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('an INTEGER without its sign-padding zero reads as negative: false, though its bytes are the right r', async () => {
    // Sign until r has its top bit set, so that DER needs the 0x00 pad in front of it. The
    // message changes each time: a deterministic signer (RFC 6979, as Deno's) repeats r for
    // the same message, so signing the same one again could loop forever.
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let attempt = 0;
    let message = utf8(`sign bit ${attempt}`);
    let der = nodeSign(c.algorithm, key.privateKey, message);
    while (decodeEcdsaDer(der).r < 2n ** 255n) {
      message = utf8(`sign bit ${++attempt}`);
      der = nodeSign(c.algorithm, key.privateKey, message);
    }
    const parts = decodeEcdsaDer(der);
    const rBytes = content(parts.r);
    expect(rBytes[0]).toBe(0);
    const unpadded = seq([...int(rBytes.slice(1)), ...int(content(parts.s))]);
    const publicKey = publicKeyOf(key.publicKey);
    expect(await both(c.algorithm, publicKey, message, der)).toBe(true);
    expect(await both(c.algorithm, publicKey, message, unpadded)).toBe(false);
  });

  it('a key that is not a point on the curve, of the wrong size, or of the wrong curve is false', async () => {
    if (c.key.kind !== 'ecdsa') throw new Error('unreachable');
    for (const point of [flip(c.key.point, 64), c.key.point.subarray(0, 33), new Uint8Array([0]), new Uint8Array(0)]) {
      expect(await both(c.algorithm, { kind: 'ecdsa', curve: 'P-256', point }, c.message, c.signature)).toBe(false);
    }
    expect(await both(c.algorithm, { kind: 'ecdsa', curve: 'P-384', point: c.key.point }, c.message, c.signature)).toBe(false);
  });

  it('a compressed key point (rare in certificates) gets the same verdict as from noble', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const compressed = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-65));
    const x = compressed.subarray(1, 33);
    const point = concat(new Uint8Array([2 + (compressed[64]! & 1)]), x);
    const message = utf8('compressed');
    const signature = nodeSign(c.algorithm, privateKey, message);
    expect(await both(c.algorithm, { kind: 'ecdsa', curve: 'P-256', point }, message, signature)).toBe(true);
  });
});

describe('webcrypto verify: Ed25519', () => {
  const c = byName('Ed25519');
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;

  it('a non-canonical S (S + L) is refused (RFC 8032 §5.1.7)', async () => {
    let sValue = 0n;
    for (let i = 63; i >= 32; i--) sValue = (sValue << 8n) | BigInt(c.signature[i]!);
    const bad = c.signature.slice();
    let v = sValue + L;
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    expect(await both(c.algorithm, c.key, c.message, bad)).toBe(false);
  });

  it('a key of the wrong length is false', async () => {
    if (c.key.kind !== 'ed25519') throw new Error('unreachable');
    for (const key of [c.key.key.subarray(0, 31), concat(c.key.key, new Uint8Array([0])), new Uint8Array(0)]) {
      expect(await both(c.algorithm, { kind: 'ed25519', key }, c.message, c.signature)).toBe(false);
    }
  });
});

describe('webcrypto verify: key cache and fallback', () => {
  it('imports a PublicKey once per algorithm and hash, however often it is used, even concurrently', async () => {
    const subtle = countingSubtle();
    const provider = createWebCryptoProvider(subtle);
    const ec = byName('ECDSA P-384 SHA-384 low-S');
    const verdicts = await Promise.all([1, 2, 3].map(() => provider.verify(ec.algorithm, ec.key, ec.message, ec.signature)));
    expect(verdicts).toEqual([true, true, true]);
    expect(await provider.verify(ec.algorithm, ec.key, ec.message, ec.signature)).toBe(true);
    expect(subtle.imports.get('ECDSA')).toBe(1);
    // Another object holding the same key is another cache entry (the x509 cache keeps objects).
    expect(await provider.verify(ec.algorithm, { ...ec.key }, ec.message, ec.signature)).toBe(true);
    expect(subtle.imports.get('ECDSA')).toBe(2);
    const rsa256 = byName('RSA-2048 PKCS#1 v1.5 SHA-256');
    const rsa384 = byName('RSA-2048 PKCS#1 v1.5 SHA-384');
    expect(rsa256.key).toBe(rsa384.key);
    for (const x of [rsa256, rsa384, rsa256, rsa384]) expect(await provider.verify(x.algorithm, x.key, x.message, x.signature)).toBe(true);
    expect(subtle.imports.get('RSASSA-PKCS1-v1_5')).toBe(2); // the hash is part of an RSA key's import
  });

  it('a runtime without Ed25519 in WebCrypto: detected on first use, then noble answers synchronously', async () => {
    const subtle = countingSubtle(['Ed25519']);
    const provider = createWebCryptoProvider(subtle);
    const c = byName('Ed25519');
    expect(await provider.verify(c.algorithm, c.key, c.message, c.signature)).toBe(true);
    const second = provider.verify(c.algorithm, c.key, c.message, flip(c.signature, 40));
    expect(second).toBe(false); // a plain boolean: no promise, no WANT_ASYNC
    expect(provider.verify(c.algorithm, c.key, c.message, c.signature)).toBe(true);
    expect(subtle.imports.get('Ed25519')).toBe(1);
    // Other algorithms still go to WebCrypto.
    const ec = byName('ECDSA P-256 SHA-256 low-S');
    expect(provider.verify(ec.algorithm, ec.key, ec.message, ec.signature)).toBeInstanceOf(Promise);
  });

  it('a runtime whose WebCrypto verify lacks an algorithm (RSA-PSS here): the same fallback', async () => {
    const subtle = countingSubtle(['RSA-PSS']);
    const provider = createWebCryptoProvider(subtle);
    const c = byName('RSA-2048 PSS SHA-256');
    expect(await provider.verify(c.algorithm, c.key, c.message, c.signature)).toBe(true);
    expect(provider.verify(c.algorithm, c.key, c.message, c.signature)).toBe(true);
    expect(provider.verify(c.algorithm, c.key, flip(c.message, 0), c.signature)).toBe(false);
  });
});
