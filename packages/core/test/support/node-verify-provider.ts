/**
 * A test-only CryptoProvider whose `verify` uses node:crypto, so x509 tests do not depend on
 * the provider under test elsewhere. Every other method throws.
 */
import { createPublicKey, constants, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { CryptoProvider, HashAlgorithm, PublicKey, SignatureAlgorithm } from '../../src/crypto/provider.ts';

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

const coordinateLength = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

function keyObject(key: PublicKey): KeyObject {
  switch (key.kind) {
    case 'ed25519':
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(key.key) }, format: 'jwk' });
    case 'rsa':
      return createPublicKey({ key: { kty: 'RSA', n: b64url(key.modulus), e: b64url(key.exponent) }, format: 'jwk' });
    case 'ecdsa': {
      const n = coordinateLength[key.curve];
      if (key.point.length !== 1 + 2 * n || key.point[0] !== 4) throw new Error('not an uncompressed point');
      return createPublicKey({
        key: { kty: 'EC', crv: key.curve, x: b64url(key.point.subarray(1, 1 + n)), y: b64url(key.point.subarray(1 + n)) },
        format: 'jwk',
      });
    }
  }
}

function nodeHash(hash: HashAlgorithm): string {
  return hash.replace('-', '').toLowerCase();
}

function unsupported(): never {
  throw new Error('node-verify-provider: only verify() is implemented');
}

/** Signature verification through node:crypto; counts calls in `verifyCalls`. */
export function createNodeVerifyProvider(): CryptoProvider & { verifyCalls: number } {
  const provider = {
    name: 'node-verify',
    verifyCalls: 0,
    keyExchangeGroups: [],
    randomBytes: unsupported,
    createHash: unsupported,
    hmac: unsupported,
    hkdfExtract: unsupported,
    hkdfExpand: unsupported,
    createAead: unsupported,
    generateKeyPair: unsupported,
    sign: unsupported,
    verify(algorithm: SignatureAlgorithm, publicKey: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
      provider.verifyCalls++;
      try {
        const key = keyObject(publicKey);
        switch (algorithm.kind) {
          case 'ed25519':
            return nodeVerify(null, message, key, signature);
          case 'ecdsa':
            return nodeVerify(nodeHash(algorithm.hash), message, { key, dsaEncoding: 'der' }, signature);
          case 'rsa-pkcs1':
            return nodeVerify(nodeHash(algorithm.hash), message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
          case 'rsa-pss':
            return nodeVerify(nodeHash(algorithm.hash), message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength }, signature);
        }
      } catch {
        return false;
      }
    },
  };
  return provider;
}

/** A shared instance for tests that do not count calls. */
export const nodeVerifyProvider: CryptoProvider = createNodeVerifyProvider();
