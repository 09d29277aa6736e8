import { TlsError } from '../errors/tls-error.ts';
import type { Aead, CryptoProvider, KeyExchangeGroup, KeyExchangeKeyPair } from '../crypto/provider.ts';
import { nobleProvider } from '../crypto/noble/index.ts';

const TAG_LENGTH = 16;

/** Key share lengths (RFC 8446 §4.2.8.2): the public value and the shared secret. */
const SHARE: Record<KeyExchangeGroup, { publicKey: number; shared: number }> = {
  x25519: { publicKey: 32, shared: 32 },
  secp256r1: { publicKey: 65, shared: 32 },
  secp384r1: { publicKey: 97, shared: 48 },
};

/** The null AEAD: the "ciphertext" is the plaintext followed by a tag of zeros. */
const nullAead: Aead = {
  tagLength: TAG_LENGTH,
  seal: (_nonce, _aad, plaintext) => {
    const out = new Uint8Array(plaintext.length + TAG_LENGTH);
    out.set(plaintext);
    return out;
  },
  open: (_nonce, _aad, sealed) => {
    if (sealed.length < TAG_LENGTH) return null;
    for (let i = sealed.length - TAG_LENGTH; i < sealed.length; i++) if (sealed[i] !== 0) return null;
    return sealed.slice(0, sealed.length - TAG_LENGTH);
  },
};

/** A fixed key pair: every share of a group is the same, and so is every shared secret. */
function fixedKeyPair(group: KeyExchangeGroup): KeyExchangeKeyPair {
  const { publicKey, shared } = SHARE[group];
  const point = new Uint8Array(publicKey).fill(0x42);
  if (group !== 'x25519') point[0] = 0x04;
  return {
    group,
    publicKey: point,
    deriveSharedSecret(peer: Uint8Array): Uint8Array {
      if (peer.length !== publicKey) throw new TlsError('illegal_parameter', `${group} key share must be ${publicKey} bytes`);
      return new Uint8Array(shared).fill(0x5a);
    },
  };
}

/**
 * A crypto provider with no security at all, for fuzzing (as rustls has one): records are sealed
 * with the null AEAD, key shares and shared secrets are constants, every signature verifies,
 * and randomness is a counter. Hashes, HMAC and HKDF are real, so the key schedule and the
 * Finished checks still run. Two endpoints using it complete handshakes whose bytes a fuzzer
 * can mutate without first breaking the encryption: it reaches the states behind the
 * ServerHello. Never for real connections.
 */
export function createNoSecurityProvider(seed = 0): CryptoProvider {
  let counter = seed;
  return {
    ...nobleProvider,
    name: 'no-security',
    randomBytes(length: number): Uint8Array {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = (counter + i * 31) & 0xff;
      counter++;
      return out;
    },
    createAead: () => nullAead,
    keyExchangeGroups: ['x25519', 'secp256r1', 'secp384r1'],
    generateKeyPair: fixedKeyPair,
    verify: () => true,
    sign: (algorithm) => new Uint8Array(algorithm.kind === 'ed25519' ? 64 : 72).fill(0x30),
  };
}
