import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { UsageError } from '../../errors/tls-error.ts';
import type { MaybePromise, PrivateKey, SignatureAlgorithm } from '../provider.ts';
import { createWebCryptoSign } from '../webcrypto/sign.ts';
import { runtimeSubtle } from '../webcrypto/subtle.ts';
import { nobleHash } from './hash.ts';
import { keyMismatch } from './signing-key.ts';

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * RSA private-key operations are never done here with BigInt (its timing depends on the
 * operands, so it would leak the key): they go to the runtime's WebCrypto, looked up on each
 * call, with imported keys cached per PrivateKey. Without WebCrypto there is no safe way.
 */
const webCryptoRsaSign = createWebCryptoSign(runtimeSubtle, () => {
  throw new UsageError('RSA signing needs WebCrypto or a native provider');
});

/**
 * Sign with noble (ECDSA, Ed25519) or, for RSA, with the runtime's WebCrypto.
 *
 * - ECDSA: over the `algorithm.hash` digest of `message`; hedged RFC 6979 nonces (the
 *   deterministic k with fresh random bytes mixed in, RFC 6979 §3.6), low-S; the result is a
 *   DER ECDSA-Sig-Value. Synchronous.
 * - Ed25519: RFC 8032 §5.1.6 (deterministic). Synchronous.
 * - RSA PKCS#1 v1.5 and PSS: a Promise from WebCrypto; `UsageError` at once when the runtime
 *   has no WebCrypto, or in the promise when its WebCrypto lacks the algorithm.
 *
 * A key of the wrong kind, or a malformed one, throws `UsageError`.
 */
export function nobleSign(algorithm: SignatureAlgorithm, key: PrivateKey, message: Uint8Array): MaybePromise<Uint8Array> {
  switch (algorithm.kind) {
    case 'ecdsa': {
      if (key.kind !== 'ecdsa') throw keyMismatch(algorithm, key);
      const curve = CURVES[key.curve];
      // We hash with the algorithm's hash ourselves (it need not be the curve's default).
      const digest = nobleHash(algorithm.hash)(message);
      try {
        return curve.sign(digest, key.scalar, { prehash: false, lowS: true, format: 'der', extraEntropy: true });
      } catch (cause) {
        throw new UsageError(`the ${key.curve} private key is not a valid scalar: ${cause instanceof Error ? cause.message : String(cause)}`);
      }
    }
    case 'ed25519': {
      if (key.kind !== 'ed25519') throw keyMismatch(algorithm, key);
      if (key.seed.length !== 32) throw new UsageError(`an Ed25519 private key is 32 bytes, got ${key.seed.length}`);
      return ed25519.sign(message, key.seed);
    }
    case 'rsa-pkcs1':
    case 'rsa-pss':
      if (key.kind !== 'rsa') throw keyMismatch(algorithm, key);
      return webCryptoRsaSign(algorithm, key, message);
  }
}
