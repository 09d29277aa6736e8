// The TLS 1.2 key schedule: the PRF against the published test vectors (SHA-256, SHA-384, as
// `openssl kdf TLS1-PRF` also gives them), then every derivation against openssl's TLS1-PRF
// with random inputs, on the noble provider.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex, utf8 } from '../../src/bytes/util.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { HashAlgorithm } from '../../src/crypto/provider.ts';
import {
  extendedMasterSecret,
  finishedVerifyData12,
  keyBlock12,
  legacyMasterSecret,
  prf12,
} from '../../src/crypto/tls12-key-schedule.ts';

/** openssl's TLS1-PRF (its own implementation, the one s_client and s_server use). */
function opensslPrf(hash: HashAlgorithm, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const r = spawnSync('openssl', ['kdf', '-keylen', String(length), '-kdfopt', `digest:${hash.replace('-', '')}`, '-kdfopt', `hexsecret:${toHex(secret)}`, '-kdfopt', `hexseed:${toHex(concat(utf8(label), seed))}`, 'TLS1-PRF'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl kdf failed: ${r.stderr}`);
  return fromHex(r.stdout.trim().replaceAll(':', '').toLowerCase());
}

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  it('reproduces the published P_SHA256 test vector', () => {
    const out = prf12(nobleProvider, 'SHA-256', fromHex('9bbe436ba940f017b17652849a71db35'), 'test label', fromHex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('reproduces the published P_SHA384 test vector', () => {
    const out = prf12(nobleProvider, 'SHA-384', fromHex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', fromHex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
    expect(toHex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('any length, including shorter than one block and zero', () => {
    const secret = fromHex('9bbe436ba940f017b17652849a71db35');
    const seed = fromHex('a0ba9f936cda311827a6f796ffd5198c');
    const full = prf12(nobleProvider, 'SHA-256', secret, 'test label', seed, 100);
    for (const n of [0, 1, 12, 31, 32, 33, 64, 99]) expect(prf12(nobleProvider, 'SHA-256', secret, 'test label', seed, n)).toEqual(full.subarray(0, n));
  });
});

describe('the TLS 1.2 derivations against openssl', () => {
  for (const hash of ['SHA-256', 'SHA-384'] as const) {
    it(`${hash}: extended master secret (RFC 7627), legacy master secret, key block, Finished`, () => {
      const pms = new Uint8Array(randomBytes(32));
      const clientRandom = new Uint8Array(randomBytes(32));
      const serverRandom = new Uint8Array(randomBytes(32));
      const sessionHash = new Uint8Array(randomBytes(hash === 'SHA-256' ? 32 : 48));
      const ems = extendedMasterSecret(nobleProvider, hash, pms, sessionHash);
      expect(ems).toEqual(opensslPrf(hash, pms, 'extended master secret', sessionHash, 48));
      expect(legacyMasterSecret(nobleProvider, hash, pms, clientRandom, serverRandom)).toEqual(opensslPrf(hash, pms, 'master secret', concat(clientRandom, serverRandom), 48));

      // AES-128-GCM: 16-byte keys, 4-byte implicit IVs (RFC 5288); ChaCha20: 32 and 12 (RFC 7905).
      for (const [keyLength, ivLength] of [[16, 4], [32, 4], [32, 12]] as const) {
        const block = opensslPrf(hash, ems, 'key expansion', concat(serverRandom, clientRandom), 2 * keyLength + 2 * ivLength);
        const keys = keyBlock12(nobleProvider, hash, ems, clientRandom, serverRandom, keyLength, ivLength);
        expect(concat(keys.clientWriteKey, keys.serverWriteKey, keys.clientWriteIv, keys.serverWriteIv)).toEqual(block);
        expect([keys.clientWriteKey.length, keys.clientWriteIv.length]).toEqual([keyLength, ivLength]);
      }
      expect(finishedVerifyData12(nobleProvider, hash, ems, 'client', sessionHash)).toEqual(opensslPrf(hash, ems, 'client finished', sessionHash, 12));
      expect(finishedVerifyData12(nobleProvider, hash, ems, 'server', sessionHash)).toEqual(opensslPrf(hash, ems, 'server finished', sessionHash, 12));
    });
  }
});
