// Our AES-GCM (noble's AES and GHASH, key schedule kept per key) against node:crypto.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AesGcm } from '../../src/crypto/noble/gcm.ts';

function nodeSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
}

/** `bytes` placed at `offset` inside a larger buffer: an unaligned view like a record body. */
function at(offset: number, bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.length + offset);
  buf.set(bytes, offset);
  return buf.subarray(offset);
}

describe('AesGcm', () => {
  it('property: equals node:crypto for any key size, length, AAD and alignment, and opens what it seals', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 32),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 0, max: 3 }),
        (keyLength, keyBytes, nonce, aad, plaintext, offset) => {
          const key = keyBytes.subarray(0, keyLength);
          const aead = new AesGcm(key);
          const sealed = aead.seal(nonce, aad, at(offset, plaintext));
          expect(Buffer.from(sealed).equals(Buffer.from(nodeSeal(key, nonce, aad, plaintext)))).toBe(true);
          expect(aead.open(nonce, aad, at(offset, sealed))).toEqual(plaintext);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('one instance serves many records (the reused GHASH state is reset each time)', () => {
    const key = new Uint8Array(16).fill(3);
    const aead = new AesGcm(key);
    for (let i = 0; i < 20; i++) {
      const nonce = new Uint8Array(12).fill(i);
      const data = new Uint8Array(100 + i).fill(i);
      expect(aead.seal(nonce, new Uint8Array([i]), data)).toEqual(nodeSeal(key, nonce, new Uint8Array([i]), data));
    }
  });

  it('rejects any flipped bit, a wrong AAD or nonce, and a short input with null', () => {
    const aead = new AesGcm(new Uint8Array(16).fill(9));
    const nonce = new Uint8Array(12).fill(1);
    const sealed = aead.seal(nonce, new Uint8Array([1, 2]), new Uint8Array(50).fill(7));
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i]! ^= 0x10;
      expect(aead.open(nonce, new Uint8Array([1, 2]), bad)).toBeNull();
    }
    expect(aead.open(nonce, new Uint8Array([1, 3]), sealed)).toBeNull();
    expect(aead.open(new Uint8Array(12), new Uint8Array([1, 2]), sealed)).toBeNull();
    expect(aead.open(nonce, new Uint8Array([1, 2]), sealed.subarray(0, 15))).toBeNull();
  });
});
