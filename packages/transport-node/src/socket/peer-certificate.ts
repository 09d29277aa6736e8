import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateError } from '@rxtls/core';

/**
 * The peer's certificate in the shape `tls.TLSSocket#getPeerCertificate()` returns (subject,
 * issuer, subjectaltname, valid_from/valid_to, serialNumber, fingerprint/fingerprint256, raw,
 * ...), built by node:crypto's `X509Certificate#toLegacyObject()` from the DER rxtls received.
 * It is for display and pinning; rxtls's own parser did the checks. With `detailed`, each
 * certificate links to the next one the peer sent through `issuerCertificate` (the last one
 * links to itself when self-issued, as Node does for a root).
 */
export function peerCertificateObject(chain: readonly Uint8Array[], detailed: boolean): PeerCertificate | DetailedPeerCertificate | Record<string, never> {
  const first = chain[0];
  if (first === undefined) return {};
  if (!detailed) return new X509Certificate(first).toLegacyObject();
  const objects = chain.map((der) => new X509Certificate(der).toLegacyObject() as DetailedPeerCertificate);
  objects.forEach((cert, i) => {
    const next = objects[i + 1];
    if (next !== undefined) cert.issuerCertificate = next;
    else if (new X509Certificate(chain[i]!).checkIssued(new X509Certificate(chain[i]!))) cert.issuerCertificate = cert;
  });
  return objects[0]!;
}

/**
 * The code Node puts in `authorizationError` for a verification failure, from rxtls's typed
 * failure (OpenSSL's X509_V_ERR names without the prefix, and Node's own for host names).
 */
export function authorizationCode(error: CertificateError): string {
  switch (error.failure) {
    case 'expired':
      return 'CERT_HAS_EXPIRED';
    case 'not-yet-valid':
      return 'CERT_NOT_YET_VALID';
    case 'self-signed':
      return 'DEPTH_ZERO_SELF_SIGNED_CERT';
    case 'unknown-ca':
      return 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
    case 'bad-signature':
      return 'CERT_SIGNATURE_FAILURE';
    case 'not-a-ca':
      return 'INVALID_CA';
    case 'path-length':
      return 'PATH_LENGTH_EXCEEDED';
    case 'key-usage':
    case 'extended-key-usage':
      return 'INVALID_PURPOSE';
    case 'name-constraints':
      return 'PERMITTED_SUBTREE_VIOLATION';
    case 'weak-key':
      return 'EE_KEY_TOO_SMALL';
    case 'hostname-mismatch':
      return 'ERR_TLS_CERT_ALTNAME_INVALID';
    case 'parse':
    case 'unsupported':
    case 'empty-chain':
    case 'path-budget':
    case 'rejected-by-hook':
      return 'CERT_REJECTED';
  }
}
