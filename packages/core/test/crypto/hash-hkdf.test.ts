// Suites, hash/HMAC/HKDF of the noble provider against node:crypto and RFC 5869, and the
// KeyUpdate and exporter derivations by their RFC 8446 definitions. (Transcript: transcript.test.ts.)
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TLS13_CIPHER_SUITES, getCipherSuite } from '../../src/crypto/suites.ts';
import { exportKeyingMaterial, nextApplicationTrafficSecret } from '../../src/crypto/key-schedule.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { CipherSuite } from '../../src/codec/enums.ts';
import { concat, fromHex, toHex, utf8 } from '../../src/bytes/util.ts';
import type { HashAlgorithm } from '../../src/crypto/provider.ts';
import { hkdfLabelBytes } from './helpers.ts';

const nodeName = (h: HashAlgorithm): string => h.replace('-', '').toLowerCase();
const sha = (h: HashAlgorithm, ...parts: Uint8Array[]): string => createHash(nodeName(h)).update(concat(...parts)).digest('hex');

describe('cipher suites (RFC 8446 §B.4)', () => {
  it('the three suites and their parameters', () => {
    expect(TLS13_CIPHER_SUITES.map((s) => [s.id, s.name, s.hash, s.hashLength, s.aead, s.keyLength, s.ivLength])).toEqual([
      [0x1301, 'TLS_AES_128_GCM_SHA256', 'SHA-256', 32, 'AES-128-GCM', 16, 12],
      [0x1302, 'TLS_AES_256_GCM_SHA384', 'SHA-384', 48, 'AES-256-GCM', 32, 12],
      [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'SHA-256', 32, 'CHACHA20-POLY1305', 32, 12],
    ]);
  });

  it('getCipherSuite finds them by code point and nothing else', () => {
    expect(getCipherSuite(CipherSuite.TLS_AES_256_GCM_SHA384)?.name).toBe('TLS_AES_256_GCM_SHA384');
    for (const id of [CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256, 0x0000, 0xc02f, 0x1300]) expect(getCipherSuite(id)).toBeUndefined();
  });
});

describe('noble hash, HMAC, HKDF against node:crypto', () => {
  const data = utf8('The quick brown fox jumps over the lazy dog');
  it.each(['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1'] as const)('%s', (h) => {
    const ctx = nobleProvider.createHash(h).update(data.subarray(0, 10));
    const snapshot = ctx.clone();
    ctx.update(data.subarray(10));
    // digest() does not finalize: it can be called again, and updates go on.
    expect(toHex(ctx.digest())).toBe(sha(h, data));
    expect(toHex(ctx.digest())).toBe(sha(h, data));
    expect(toHex(snapshot.digest())).toBe(sha(h, data.subarray(0, 10)));
    ctx.update(data);
    expect(toHex(ctx.digest())).toBe(sha(h, data, data));
    const key = utf8('key');
    expect(toHex(nobleProvider.hmac(h, key, data))).toBe(createHmac(nodeName(h), key).update(data).digest('hex'));
  });

  it.each(['SHA-256', 'SHA-384'] as const)('HKDF %s equals node hkdfSync', (h) => {
    const ikm = utf8('input keying material');
    const salt = utf8('salt');
    const info = utf8('info');
    const prk = nobleProvider.hkdfExtract(h, salt, ikm);
    expect(toHex(prk)).toBe(createHmac(nodeName(h), salt).update(ikm).digest('hex'));
    for (const length of [1, 12, 32, 48, 100, 255]) {
      expect(toHex(nobleProvider.hkdfExpand(h, prk, info, length))).toBe(Buffer.from(hkdfSync(nodeName(h), ikm, salt, info, length)).toString('hex'));
    }
  });

  it('HKDF-Expand refuses L > 255*HashLen with a UsageError (an exporter asking for too much)', () => {
    const prk = new Uint8Array(48);
    expect(nobleProvider.hkdfExpand('SHA-384', prk, new Uint8Array(0), 255 * 48).length).toBe(255 * 48);
    expect(() => nobleProvider.hkdfExpand('SHA-384', prk, new Uint8Array(0), 255 * 48 + 1)).toThrow(UsageError);
    const suite = getCipherSuite(CipherSuite.TLS_AES_128_GCM_SHA256)!;
    expect(() => exportKeyingMaterial(nobleProvider, suite, new Uint8Array(32), 'EXPORTER-x', new Uint8Array(0), 255 * 32 + 1)).toThrow(UsageError);
  });

  it('RFC 5869 A.1 (HKDF-SHA256 test case 1)', () => {
    const prk = nobleProvider.hkdfExtract('SHA-256', fromHex('000102030405060708090a0b0c'), fromHex('0b'.repeat(22)));
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(nobleProvider.hkdfExpand('SHA-256', prk, fromHex('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });
});

describe('KeyUpdate and exporters, by their definitions', () => {
  const suite = getCipherSuite(CipherSuite.TLS_AES_256_GCM_SHA384)!;
  const secret = new Uint8Array(48).map((_, i) => i * 3);

  it('application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", 48) (RFC 8446 §7.2)', () => {
    const next = nextApplicationTrafficSecret(nobleProvider, suite, secret);
    expect(toHex(next)).toBe(toHex(nobleProvider.hkdfExpand('SHA-384', secret, hkdfLabelBytes(48, 'traffic upd', new Uint8Array(0)), 48)));
    expect(toHex(nextApplicationTrafficSecret(nobleProvider, suite, next))).not.toBe(toHex(next));
  });

  it('TLS-Exporter (RFC 8446 §7.5)', () => {
    const context = utf8('context');
    const empty = fromHex(sha('SHA-384'));
    const derived = nobleProvider.hkdfExpand('SHA-384', secret, hkdfLabelBytes(48, 'EXPORTER-test', empty), 48);
    const expected = nobleProvider.hkdfExpand('SHA-384', derived, hkdfLabelBytes(20, 'exporter', fromHex(sha('SHA-384', context))), 20);
    expect(toHex(exportKeyingMaterial(nobleProvider, suite, secret, 'EXPORTER-test', context, 20))).toBe(toHex(expected));
    // An empty context is hashed too (it is not the same as "no context" in TLS 1.2).
    expect(toHex(exportKeyingMaterial(nobleProvider, suite, secret, 'EXPORTER-test', new Uint8Array(0), 20))).not.toBe(toHex(expected));
  });
});
