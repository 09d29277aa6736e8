import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';

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
