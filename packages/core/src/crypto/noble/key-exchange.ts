import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { TlsError } from '../../errors/tls-error.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair } from '../provider.ts';

const NIST = {
  secp256r1: { curve: p256, scalarLength: 32, pointLength: 65 },
  secp384r1: { curve: p384, scalarLength: 48, pointLength: 97 },
} as const;

/** Length of a private key for each group. */
export function privateKeyLength(group: KeyExchangeGroup): number {
  return group === 'x25519' ? 32 : NIST[group].scalarLength;
}

function x25519Pair(privateKey: Uint8Array): KeyExchangeKeyPair {
  const secret = privateKey.slice();
  return {
    group: 'x25519',
    publicKey: x25519.getPublicKey(secret),
    deriveSharedSecret(peer: Uint8Array): Uint8Array {
      if (peer.length !== 32) throw new TlsError('illegal_parameter', `x25519 key share must be 32 bytes, got ${peer.length}`);
      let shared: Uint8Array;
      try {
        shared = x25519.getSharedSecret(secret, peer);
      } catch {
        // noble refuses low-order points: RFC 8446 §7.4.2 forbids the all-zero result.
        throw new TlsError('illegal_parameter', 'x25519 key share is a low-order point');
      }
      if (shared.every((b) => b === 0)) throw new TlsError('illegal_parameter', 'x25519 shared secret is all zero');
      return shared;
    },
  };
}

function nistPair(group: 'secp256r1' | 'secp384r1', privateKey: Uint8Array): KeyExchangeKeyPair {
  const { curve, pointLength } = NIST[group];
  const secret = privateKey.slice();
  return {
    group,
    publicKey: curve.getPublicKey(secret, false),
    deriveSharedSecret(peer: Uint8Array): Uint8Array {
      // RFC 8446 §4.2.8.2: UncompressedPointRepresentation only; the point must be on the curve.
      if (peer.length !== pointLength || peer[0] !== 0x04) throw new TlsError('illegal_parameter', `${group} key share is not an uncompressed point`);
      try {
        // RFC 8446 §7.4.2: the shared secret is the x-coordinate.
        return curve.getSharedSecret(secret, peer, true).slice(1);
      } catch {
        throw new TlsError('illegal_parameter', `${group} key share is not a valid point`);
      }
    },
  };
}

/** A key pair from a given private key (tests replay published traces with it). */
export function keyPairFromPrivateKey(group: KeyExchangeGroup, privateKey: Uint8Array): KeyExchangeKeyPair {
  if (privateKey.length !== privateKeyLength(group)) throw new TlsError('internal_error', `${group} private key must be ${privateKeyLength(group)} bytes`);
  return group === 'x25519' ? x25519Pair(privateKey) : nistPair(group, privateKey);
}

/** A fresh key pair; `random` supplies the private key bytes. */
export function generateNobleKeyPair(group: KeyExchangeGroup, random: (n: number) => Uint8Array): KeyExchangeKeyPair {
  if (group === 'x25519') return x25519Pair(random(32));
  const { curve } = NIST[group];
  // A uniformly random scalar in [1, n-1] from the provider's randomness (FIPS 186-5 A.4.2 style).
  for (;;) {
    const candidate = random(NIST[group].scalarLength);
    if (curve.utils.isValidSecretKey(candidate)) return nistPair(group, candidate);
  }
}
