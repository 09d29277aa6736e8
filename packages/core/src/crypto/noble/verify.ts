import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { TlsError } from '../../errors/tls-error.ts';
import type { PublicKey, SignatureAlgorithm } from '../provider.ts';
import { nobleHash } from './hash.ts';
import { verifyPkcs1, verifyPss } from './rsa.ts';

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * Verify a signature with noble (ECDSA, Ed25519) or BigInt RSA.
 *
 * - ECDSA: `signature` is a DER ECDSA-Sig-Value over the `algorithm.hash` digest of `message`;
 *   high-S signatures are accepted (X.509 signers produce them).
 * - Ed25519: RFC 8032 strict verification.
 * - RSA PKCS#1 v1.5 and PSS (MGF1 with the same hash, `saltLength` exactly); moduli outside
 *   1024..8192 bits and public exponents above 2^32 verify nothing (false).
 *
 * A wrong or malformed signature, or a malformed key, gives false. A key of the wrong kind
 * for the algorithm (an RSA key with ECDSA, ...) throws `TlsError(illegal_parameter)`.
 */
export function nobleVerify(algorithm: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  switch (algorithm.kind) {
    case 'ecdsa': {
      if (key.kind !== 'ecdsa') throw new TlsError('illegal_parameter', `an ${key.kind} key cannot check an ECDSA signature`);
      const curve = CURVES[key.curve];
      if (curve === undefined) return false;
      const digest = nobleHash(algorithm.hash)(message);
      try {
        // We hash with the algorithm's hash ourselves (it need not be the curve's default).
        return curve.verify(signature, digest, key.point, { prehash: false, lowS: false, format: 'der' });
      } catch {
        return false;
      }
    }
    case 'ed25519': {
      if (key.kind !== 'ed25519') throw new TlsError('illegal_parameter', `an ${key.kind} key cannot check an Ed25519 signature`);
      try {
        return ed25519.verify(signature, message, key.key, { zip215: false });
      } catch {
        return false;
      }
    }
    case 'rsa-pkcs1':
    case 'rsa-pss': {
      if (key.kind !== 'rsa') throw new TlsError('illegal_parameter', `an ${key.kind} key cannot check an RSA signature`);
      const hashFn = nobleHash(algorithm.hash);
      const digest = hashFn(message);
      return algorithm.kind === 'rsa-pkcs1'
        ? verifyPkcs1(algorithm.hash, digest, key.modulus, key.exponent, signature)
        : verifyPss(hashFn, digest, algorithm.saltLength, key.modulus, key.exponent, signature);
    }
  }
}
