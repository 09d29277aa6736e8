import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { toHex, utf8 } from '../../src/bytes/util.ts';
import type { AeadAlgorithm } from '../../src/crypto/provider.ts';
import { flip } from './helpers.ts';

const ALGORITHMS: readonly AeadAlgorithm[] = ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'];
const KEY_LENGTH: Record<AeadAlgorithm, number> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'CHACHA20-POLY1305': 32 };
const NODE_NAME = { 'AES-128-GCM': 'aes-128-gcm', 'AES-256-GCM': 'aes-256-gcm', 'CHACHA20-POLY1305': 'chacha20-poly1305' } as const;

const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** ciphertext || tag from node:crypto (OpenSSL). */
function nodeSeal(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(NODE_NAME[algorithm] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
}

/** `bytes` at an odd offset inside a bigger buffer (a record body is such a view). */
function unaligned(bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.length + 3);
  buf.set(bytes, 3);
  return buf.subarray(3);
}

describe.each(ALGORITHMS)('noble AEAD %s', (algorithm) => {
  const key = rand(KEY_LENGTH[algorithm]);
  const aead = nobleProvider.createAead(algorithm, key);

  it('has a 16-byte tag and seals to plaintext + 16 bytes', () => {
    expect(aead.tagLength).toBe(16);
    for (const n of [0, 1, 16, 100]) expect(aead.seal(rand(12), rand(5), rand(n)).length).toBe(n + 16);
  });

  it('equals node:crypto createCipheriv for the same key, nonce and aad (both ways)', () => {
    for (const n of [0, 1, 15, 16, 17, 63, 64, 65, 255, 1000, 16384 + 1]) {
      const nonce = rand(12);
      const aad = rand(n % 2 ? 5 : 13);
      const plaintext = rand(n);
      const theirs = nodeSeal(algorithm, key, nonce, aad, plaintext);
      expect(toHex(aead.seal(nonce, aad, plaintext)), `${n} bytes`).toBe(toHex(theirs));
      expect(toHex(aead.open(nonce, aad, theirs)!)).toBe(toHex(plaintext));
      // Inputs that are views at an odd offset give the same answer.
      expect(toHex(aead.seal(unaligned(nonce), unaligned(aad), unaligned(plaintext)))).toBe(toHex(theirs));
      expect(toHex(aead.open(unaligned(nonce), unaligned(aad), unaligned(theirs))!)).toBe(toHex(plaintext));
    }
  });

  it('opens what it seals, for many nonces, without touching its inputs', () => {
    const aad = utf8('17 03 03 00 2a');
    for (let i = 0; i < 20; i++) {
      const nonce = rand(12);
      const plaintext = rand(i * 7);
      const before = toHex(plaintext);
      const sealed = aead.seal(nonce, aad, plaintext);
      expect(toHex(plaintext)).toBe(before);
      expect(toHex(aead.open(nonce, aad, sealed)!)).toBe(before);
    }
  });

  it('a flipped bit anywhere (ciphertext, tag, aad, nonce) gives null, never a throw', () => {
    const nonce = rand(12);
    const aad = rand(13);
    const plaintext = rand(24);
    const sealed = aead.seal(nonce, aad, plaintext);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      expect(aead.open(nonce, aad, flip(sealed, bit >> 3, 1 << (bit & 7))), `sealed bit ${bit}`).toBeNull();
    }
    for (let bit = 0; bit < aad.length * 8; bit++) expect(aead.open(nonce, flip(aad, bit >> 3, 1 << (bit & 7)), sealed), `aad bit ${bit}`).toBeNull();
    for (let bit = 0; bit < nonce.length * 8; bit++) expect(aead.open(flip(nonce, bit >> 3, 1 << (bit & 7)), aad, sealed), `nonce bit ${bit}`).toBeNull();
  });

  it('a truncated tag, a short input or an extra byte gives null', () => {
    const nonce = rand(12);
    const aad = rand(5);
    const sealed = aead.seal(nonce, aad, rand(40));
    for (let cut = 1; cut <= 16; cut++) expect(aead.open(nonce, aad, sealed.subarray(0, sealed.length - cut)), `cut ${cut}`).toBeNull();
    for (const n of [0, 1, 15]) expect(aead.open(nonce, aad, sealed.subarray(0, n))).toBeNull();
    const longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    expect(aead.open(nonce, aad, longer)).toBeNull();
    // An empty plaintext seals to just a tag; a tag alone from elsewhere does not open.
    const empty = aead.seal(nonce, aad, new Uint8Array(0));
    expect(aead.open(nonce, aad, empty)!.length).toBe(0);
    expect(aead.open(nonce, aad, sealed.subarray(sealed.length - 16))).toBeNull();
  });

  it('another key does not open it', () => {
    const nonce = rand(12);
    const sealed = aead.seal(nonce, new Uint8Array(0), rand(10));
    expect(nobleProvider.createAead(algorithm, rand(KEY_LENGTH[algorithm])).open(nonce, new Uint8Array(0), sealed)).toBeNull();
  });

  it('keeps its own copy of the key', () => {
    const k = rand(KEY_LENGTH[algorithm]);
    const a = nobleProvider.createAead(algorithm, k);
    const nonce = rand(12);
    const expected = toHex(nodeSeal(algorithm, k, nonce, new Uint8Array(0), utf8('x')));
    k.fill(0);
    expect(toHex(a.seal(nonce, new Uint8Array(0), utf8('x')))).toBe(expected);
  });

  it('a nonce other than 12 bytes is a UsageError (our bug, not the peer\'s)', () => {
    const sealed = aead.seal(rand(12), new Uint8Array(0), rand(20));
    for (const n of [0, 8, 11, 13, 16]) {
      expect(() => aead.seal(new Uint8Array(n), new Uint8Array(0), rand(3))).toThrow(UsageError);
      expect(() => aead.open(new Uint8Array(n), new Uint8Array(0), sealed)).toThrow(UsageError);
    }
  });

  it('a key of the wrong length is a UsageError', () => {
    for (const n of [0, 15, 17, 24, 31, 33]) if (n !== KEY_LENGTH[algorithm]) expect(() => nobleProvider.createAead(algorithm, new Uint8Array(n))).toThrow(UsageError);
  });
});
