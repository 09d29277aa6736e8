import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { TlsError, UsageError } from '../../errors/tls-error.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair } from '../provider.ts';

const NIST = {
  secp256r1: { curve: p256, scalarLength: 32, pointLength: 65 },
  secp384r1: { curve: p384, scalarLength: 48, pointLength: 97 },
} as const;

/** Length in bytes of a private key of `group` (a scalar for NIST curves, RFC 7748 §5 for X25519). */
export function privateKeyLength(group: KeyExchangeGroup): number {
  return group === 'x25519' ? 32 : NIST[group].scalarLength;
}

function x25519Pair(privateKey: Uint8Array): KeyExchangeKeyPair {
  const secret = privateKey.slice();
  return {
    group: 'x25519',
    publicKey: x25519.getPublicKey(secret),
    deriveSharedSecret(peer: Uint8Array): Uint8Array {
      // RFC 8446 §4.2.8.2: X25519 key_exchange is exactly 32 bytes.
      if (peer.length !== 32) throw new TlsError('illegal_parameter', `x25519 key share must be 32 bytes, got ${peer.length}`);
      let shared: Uint8Array;
      try {
        shared = x25519.getSharedSecret(secret, peer);
      } catch {
        // noble refuses a low-order point (its result would be all zero).
        throw new TlsError('illegal_parameter', 'x25519 key share is a low-order point');
      }
      // RFC 8446 §7.4.2: an all-zero shared secret must be refused, whoever computed it.
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
      // RFC 8446 §4.2.8.2: UncompressedPointRepresentation only (0x04 || X || Y, fixed length).
      if (peer.length !== pointLength || peer[0] !== 0x04) throw new TlsError('illegal_parameter', `${group} key share is not an uncompressed point`);
      try {
        // noble decodes the point and checks that it lies on the curve (and is not the identity).
        // RFC 8446 §7.4.2: the shared secret is the x-coordinate of the ECDH result.
        return curve.getSharedSecret(secret, peer, true).slice(1);
      } catch {
        throw new TlsError('illegal_parameter', `${group} key share is not a point on the curve`);
      }
    },
  };
}

/**
 * A key pair from a given private key, so published traces (RFC 8448) can be replayed with
 * their keys. X25519 keys are 32 bytes (clamped as RFC 7748 says); NIST keys are big-endian
 * scalars in [1, n-1] of the curve's length. Anything else is the caller's mistake
 * ({@link UsageError}).
 */
export function keyPairFromPrivateKey(group: KeyExchangeGroup, privateKey: Uint8Array): KeyExchangeKeyPair {
  const length = privateKeyLength(group);
  if (privateKey.length !== length) throw new UsageError(`${group} private key must be ${length} bytes, got ${privateKey.length}`);
  if (group === 'x25519') return x25519Pair(privateKey);
  if (!NIST[group].curve.utils.isValidSecretKey(privateKey)) throw new UsageError(`${group} private key is not a scalar in [1, n-1]`);
  return nistPair(group, privateKey);
}

/** A fresh key pair; `random` supplies the private key bytes. */
export function generateNobleKeyPair(group: KeyExchangeGroup, random: (n: number) => Uint8Array): KeyExchangeKeyPair {
  if (group === 'x25519') return x25519Pair(random(32));
  const { curve, scalarLength } = NIST[group];
  // Rejection sampling: a uniformly random scalar in [1, n-1] (FIPS 186-5 §A.2.2 style).
  for (;;) {
    const candidate = random(scalarLength);
    if (curve.utils.isValidSecretKey(candidate)) return nistPair(group, candidate);
  }
}
