/**
 * Certificate signature algorithms and subject public keys, mapped to the provider's
 * `SignatureAlgorithm` and `PublicKey` types. Anything else maps to `undefined`
 * ("unsupported"), which path building reports when that certificate is needed.
 */
import * as asn1js from 'asn1js';
import { AlgorithmIdentifier, PublicKeyInfo, RSAPublicKey, RSASSAPSSParams } from 'pkijs';
import type { HashAlgorithm, PublicKey, SignatureAlgorithm } from '../crypto/provider.ts';
import { Asn1ShapeError, bitStringBytes, decodeWhole, oidOf, unsignedOf } from './asn1.ts';
import { Oid } from './oids.ts';

// SHA-1 is deliberately absent: certificate signatures over SHA-1 are not accepted
// (RFC 9155 deprecates them for TLS; a trust anchor's own signature is never checked).
const hashByOid: Readonly<Record<string, HashAlgorithm>> = {
  [Oid.sha256]: 'SHA-256',
  [Oid.sha384]: 'SHA-384',
  [Oid.sha512]: 'SHA-512',
};

const simpleSignatures: Readonly<Record<string, SignatureAlgorithm>> = {
  [Oid.sha256WithRSAEncryption]: { kind: 'rsa-pkcs1', hash: 'SHA-256' },
  [Oid.sha384WithRSAEncryption]: { kind: 'rsa-pkcs1', hash: 'SHA-384' },
  [Oid.sha512WithRSAEncryption]: { kind: 'rsa-pkcs1', hash: 'SHA-512' },
  [Oid.ecdsaWithSha256]: { kind: 'ecdsa', hash: 'SHA-256' },
  [Oid.ecdsaWithSha384]: { kind: 'ecdsa', hash: 'SHA-384' },
  [Oid.ecdsaWithSha512]: { kind: 'ecdsa', hash: 'SHA-512' },
  [Oid.ed25519]: { kind: 'ed25519' },
};

/** RFC 4055 §3.1 RSASSA-PSS-params: one hash for the message and MGF1, trailer 1. */
function pssAlgorithm(params: unknown): SignatureAlgorithm | undefined {
  if (!(params instanceof asn1js.Sequence)) return undefined;
  const pss = new RSASSAPSSParams({ schema: params });
  const hash = hashByOid[pss.hashAlgorithm.algorithmId];
  if (hash === undefined || pss.trailerField !== 1) return undefined;
  if (pss.maskGenAlgorithm.algorithmId !== Oid.mgf1) return undefined;
  const mgfHash = new AlgorithmIdentifier({ schema: pss.maskGenAlgorithm.algorithmParams });
  if (hashByOid[mgfHash.algorithmId] !== hash) return undefined;
  return { kind: 'rsa-pss', hash, saltLength: pss.saltLength };
}

/** The provider algorithm for a certificate's signatureAlgorithm, or `undefined` if unsupported. */
export function signatureAlgorithmOf(id: AlgorithmIdentifier): SignatureAlgorithm | undefined {
  if (id.algorithmId === Oid.rsassaPss) return pssAlgorithm(id.algorithmParams);
  return simpleSignatures[id.algorithmId];
}

const curveByOid: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = {
  [Oid.secp256r1]: 'P-256',
  [Oid.secp384r1]: 'P-384',
  [Oid.secp521r1]: 'P-521',
};

/**
 * The public key of a SubjectPublicKeyInfo, or `undefined` for an algorithm or curve we do
 * not support. Throws on a malformed key of a supported algorithm.
 */
export function publicKeyOf(spki: PublicKeyInfo): PublicKey | undefined {
  const algorithm = spki.algorithm.algorithmId;
  const bits = bitStringBytes(spki.subjectPublicKey);
  switch (algorithm) {
    case Oid.rsaEncryption:
    case Oid.rsassaPss: {
      // An id-RSASSA-PSS key (RFC 4055 §1.2) is an RSA key restricted to PSS; we verify
      // with whatever algorithm the signature names.
      const rsa = new RSAPublicKey({ schema: decodeWhole(bits) });
      return { kind: 'rsa', modulus: unsignedOf(rsa.modulus), exponent: unsignedOf(rsa.publicExponent) };
    }
    case Oid.ecPublicKey: {
      const curve = curveByOid[oidOf(spki.algorithm.algorithmParams)];
      if (curve === undefined) return undefined;
      if (bits.length === 0) throw new Asn1ShapeError('empty EC point');
      return { kind: 'ecdsa', curve, point: bits };
    }
    case Oid.ed25519:
      if (bits.length !== 32) throw new Asn1ShapeError('Ed25519 key must be 32 bytes');
      return { kind: 'ed25519', key: bits };
    default:
      return undefined;
  }
}
