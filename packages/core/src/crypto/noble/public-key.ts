import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';

// Public halves of private keys, for the key loader (x509/keys.ts), which may not import noble.

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * The uncompressed point `0x04 || X || Y` of the ECDSA private `scalar` (big-endian, exactly
 * the curve's scalar length: 32, 48 or 66 bytes), or undefined when the scalar is not in
 * [1, n-1] or has the wrong length.
 */
export function ecdsaPublicPoint(curve: 'P-256' | 'P-384' | 'P-521', scalar: Uint8Array): Uint8Array | undefined {
  const c = CURVES[curve];
  if (!c.utils.isValidSecretKey(scalar)) return undefined;
  return c.getPublicKey(scalar, false);
}

/** The 32-byte Ed25519 public key of a 32-byte private key seed (RFC 8032 §5.1.5), or undefined for another length. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array | undefined {
  if (seed.length !== 32) return undefined;
  return ed25519.getPublicKey(seed);
}
