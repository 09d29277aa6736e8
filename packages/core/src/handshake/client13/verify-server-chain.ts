import type { ResolvedClientConfig } from '../config.ts';
import { verifyCertificateChain, type VerifiedChain } from '../../x509/verify.ts';

/**
 * The server's chain checked as a client config says: path to its trust anchors, validity at
 * its clock, serverAuth, and `serverName` against subjectAltName (RFC 9525). The handshake
 * uses it; transports use it after a handshake run with verification off, to report whether
 * the peer would have passed (Node's `authorized` with `rejectUnauthorized: false`).
 */
export function verifyServerChain(config: ResolvedClientConfig, certificates: readonly Uint8Array[], serverName: string | undefined, trustAnchors: readonly Uint8Array[] = config.trustAnchors): Promise<VerifiedChain> {
  return verifyCertificateChain(certificates, {
    trustAnchors,
    ...(serverName !== undefined ? { host: serverName } : {}),
    now: config.now(),
    purpose: 'serverAuth',
    provider: config.provider,
    cache: config.certificateCache,
  });
}
