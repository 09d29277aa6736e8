// Hash, HMAC and HKDF of the noble provider against node:crypto and RFC 5869. (Suites, KeyUpdate
// and exporters: key-schedule.test.ts; Transcript: transcript.test.ts.)
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../../src/crypto/suites.ts';
import { exportKeyingMaterial } from '../../src/crypto/key-schedule.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { CipherSuite } from '../../src/codec/enums.ts';
import { concat, fromHex, toHex, utf8 } from '../../src/bytes/util.ts';
import type { HashAlgorithm } from '../../src/crypto/provider.ts';

const nodeName = (h: HashAlgorithm): string => h.replace('-', '').toLowerCase();
const sha = (h: HashAlgorithm, ...parts: Uint8Array[]): string => createHash(nodeName(h)).update(concat(...parts)).digest('hex');

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
