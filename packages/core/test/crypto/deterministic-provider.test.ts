import { describe, expect, it } from 'vitest';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { nobleProvider, keyPairFromPrivateKey } from '../../src/crypto/noble/index.ts';
import { fromHex, toHex, utf8 } from '../../src/bytes/util.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';

const a = fromHex('0102030405');
const b = fromHex('aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899');
const x25519Key = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');

/** A base provider whose randomBytes must never be reached. */
const base: CryptoProvider = {
  ...nobleProvider,
  randomBytes() {
    throw new Error('base randomBytes called');
  },
};

describe('createDeterministicProvider', () => {
  it('hands out the injected byte strings in order', () => {
    const p = createDeterministicProvider(base, { random: [a, b, a] });
    expect(toHex(p.randomBytes(5))).toBe(toHex(a));
    expect(toHex(p.randomBytes(32))).toBe(toHex(b));
    expect(toHex(p.randomBytes(5))).toBe(toHex(a));
  });

  it('refuses when the queue is empty', () => {
    const p = createDeterministicProvider(base, { random: [a] });
    p.randomBytes(5);
    expect(() => p.randomBytes(5)).toThrow(/no random bytes left/);
    expect(() => createDeterministicProvider(base, {}).randomBytes(1)).toThrow(/no random bytes left/);
  });

  it('refuses a request whose length differs from the next injected value', () => {
    const p = createDeterministicProvider(base, { random: [a] });
    expect(() => p.randomBytes(32)).toThrow(/asked for 32 random bytes, next injected value has 5/);
  });

  it('returns copies: changing what it handed out changes nothing injected', () => {
    const injected = a.slice();
    const p = createDeterministicProvider(base, { random: [injected, injected] });
    p.randomBytes(5).fill(0);
    expect(toHex(injected)).toBe(toHex(a));
    expect(toHex(p.randomBytes(5))).toBe(toHex(a));
  });

  it('two providers from the same inputs do not share a queue', () => {
    const inputs = { random: [a] };
    const p = createDeterministicProvider(base, inputs);
    const q = createDeterministicProvider(base, inputs);
    p.randomBytes(5);
    expect(toHex(q.randomBytes(5))).toBe(toHex(a));
  });

  it('key pairs come from the injected private keys; a group without one is refused', async () => {
    const p = createDeterministicProvider(base, { keyShares: { x25519: x25519Key } });
    const pair = await p.generateKeyPair('x25519');
    expect(pair.group).toBe('x25519');
    expect(toHex(pair.publicKey)).toBe(toHex(keyPairFromPrivateKey('x25519', x25519Key).publicKey));
    // The same key each time.
    expect(toHex((await p.generateKeyPair('x25519')).publicKey)).toBe(toHex(pair.publicKey));
    expect(() => p.generateKeyPair('secp256r1')).toThrow(/no private key injected for secp256r1/);
  });

  it('everything else is the base provider, under a name that says so', () => {
    const p = createDeterministicProvider(base, {});
    expect(p.name).toBe('noble+deterministic');
    const data = utf8('abc');
    expect(toHex(p.createHash('SHA-256').update(data).digest())).toBe(toHex(nobleProvider.createHash('SHA-256').update(data).digest()));
    expect(toHex(p.hmac('SHA-384', b, data))).toBe(toHex(nobleProvider.hmac('SHA-384', b, data)));
    expect(p.keyExchangeGroups).toEqual(nobleProvider.keyExchangeGroups);
  });
});
