import { SignatureScheme } from '../codec/enums.ts';
import { utf8, concat } from '../bytes/util.ts';
import type { PublicKey, SignatureAlgorithm } from './provider.ts';

interface SchemeInfo {
  readonly algorithm: SignatureAlgorithm;
  /**
   * Which key fits (RFC 8446 §4.2.3: in TLS 1.3 an ECDSA scheme fixes the curve; the legacy
   * ecdsa_sha1 does not, hence `ecdsa-any`).
   */
  readonly key: 'rsa' | 'ed25519' | 'P-256' | 'P-384' | 'P-521' | 'ecdsa-any';
  /** Allowed in a TLS 1.3 CertificateVerify (not rsa_pkcs1_*, not SHA-1). */
  readonly inCertificateVerify: boolean;
}

const SCHEMES = new Map<number, SchemeInfo>([
  [SignatureScheme.ecdsa_secp256r1_sha256, { algorithm: { kind: 'ecdsa', hash: 'SHA-256' }, key: 'P-256', inCertificateVerify: true }],
  [SignatureScheme.ecdsa_secp384r1_sha384, { algorithm: { kind: 'ecdsa', hash: 'SHA-384' }, key: 'P-384', inCertificateVerify: true }],
  [SignatureScheme.ecdsa_secp521r1_sha512, { algorithm: { kind: 'ecdsa', hash: 'SHA-512' }, key: 'P-521', inCertificateVerify: true }],
  [SignatureScheme.ed25519, { algorithm: { kind: 'ed25519' }, key: 'ed25519', inCertificateVerify: true }],
  [SignatureScheme.rsa_pss_rsae_sha256, { algorithm: { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }, key: 'rsa', inCertificateVerify: true }],
  [SignatureScheme.rsa_pss_rsae_sha384, { algorithm: { kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 }, key: 'rsa', inCertificateVerify: true }],
  [SignatureScheme.rsa_pss_rsae_sha512, { algorithm: { kind: 'rsa-pss', hash: 'SHA-512', saltLength: 64 }, key: 'rsa', inCertificateVerify: true }],
  [SignatureScheme.rsa_pkcs1_sha256, { algorithm: { kind: 'rsa-pkcs1', hash: 'SHA-256' }, key: 'rsa', inCertificateVerify: false }],
  [SignatureScheme.rsa_pkcs1_sha384, { algorithm: { kind: 'rsa-pkcs1', hash: 'SHA-384' }, key: 'rsa', inCertificateVerify: false }],
  [SignatureScheme.rsa_pkcs1_sha512, { algorithm: { kind: 'rsa-pkcs1', hash: 'SHA-512' }, key: 'rsa', inCertificateVerify: false }],
  // Legacy SHA-1 schemes (RFC 8446 §4.2.3): known so they can be named and refused.
  [SignatureScheme.rsa_pkcs1_sha1, { algorithm: { kind: 'rsa-pkcs1', hash: 'SHA-1' }, key: 'rsa', inCertificateVerify: false }],
  [SignatureScheme.ecdsa_sha1, { algorithm: { kind: 'ecdsa', hash: 'SHA-1' }, key: 'ecdsa-any', inCertificateVerify: false }],
]);

/**
 * The algorithm behind a TLS SignatureScheme, or undefined when we do not implement it
 * (ed448, rsa_pss_pss_*). RSA-PSS salts are the hash length (RFC 8446 §4.2.3).
 */
export function signatureAlgorithmFor(scheme: number): SignatureAlgorithm | undefined {
  return SCHEMES.get(scheme)?.algorithm;
}

/** Whether a scheme may sign a TLS 1.3 CertificateVerify (RFC 8446 §4.2.3, §4.4.3). */
export function isAllowedInCertificateVerify(scheme: number): boolean {
  return SCHEMES.get(scheme)?.inCertificateVerify ?? false;
}

/**
 * Whether `key` can produce signatures of `scheme`: ecdsa_secp256r1_sha256 needs a P-256 key,
 * rsa_pss_rsae_* and rsa_pkcs1_* an RSA key, ed25519 an Ed25519 key. False for unknown schemes.
 */
export function schemeMatchesKey(scheme: number, key: PublicKey): boolean {
  const info = SCHEMES.get(scheme);
  if (!info) return false;
  switch (key.kind) {
    case 'rsa':
      return info.key === 'rsa';
    case 'ed25519':
      return info.key === 'ed25519';
    case 'ecdsa':
      return info.key === key.curve || info.key === 'ecdsa-any';
  }
}

const SERVER_CONTEXT = utf8('TLS 1.3, server CertificateVerify');
const CLIENT_CONTEXT = utf8('TLS 1.3, client CertificateVerify');

/** The content a CertificateVerify signs: 64 spaces, the context string, 0x00, the transcript hash (RFC 8446 §4.4.3). */
export function certificateVerifyInput(side: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  return concat(new Uint8Array(64).fill(0x20), side === 'server' ? SERVER_CONTEXT : CLIENT_CONTEXT, new Uint8Array([0]), transcriptHash);
}

/**
 * Whether a scheme may sign in TLS 1.2 (ServerKeyExchange, CertificateVerify; RFC 5246
 * §7.4.1.4.1): every scheme we implement but the SHA-1 ones, which rxtls refuses in both
 * versions.
 */
export function isAllowedInTls12(scheme: number): boolean {
  const info = SCHEMES.get(scheme);
  return info !== undefined && !('hash' in info.algorithm && info.algorithm.hash === 'SHA-1');
}

/**
 * Whether `key` can produce signatures of `scheme` in TLS 1.2, where an ECDSA
 * SignatureAndHashAlgorithm names the hash only, not the curve (RFC 5246 §7.4.1.4.1, RFC 8422 §5.1.3).
 */
export function schemeMatchesKey12(scheme: number, key: PublicKey): boolean {
  const info = SCHEMES.get(scheme);
  if (info !== undefined && key.kind === 'ecdsa' && info.algorithm.kind === 'ecdsa') return true;
  return schemeMatchesKey(scheme, key);
}

/** The content a TLS 1.2 ServerKeyExchange signs: client_random + server_random + ServerECDHParams (RFC 8422 §5.4). */
export function serverKeyExchangeInput(clientRandom: Uint8Array, serverRandom: Uint8Array, params: Uint8Array): Uint8Array {
  return concat(clientRandom, serverRandom, params);
}
