import { CertificateError } from '../errors/tls-error.ts';
import type { PublicKey } from '../crypto/provider.ts';
import { verifyCertificateChain, type VerifiedChain } from '../x509/verify.ts';
import { Pending, type HandshakeOutbox, type HandshakeState } from './outbox.ts';
import type { ResolvedServerConfig } from './server-config.ts';

/**
 * A server's check of a client's certificate chain, both versions: the leaf's key must be one
 * we can verify with, then the path to the client-auth anchors (purpose clientAuth) is built
 * behind WANT_ASYNC. `next` gets the chain, the leaf's key and the validated path.
 */
export function checkClientChain(
  config: ResolvedServerConfig,
  chain: readonly Uint8Array[],
  out: HandshakeOutbox,
  next: (key: PublicKey, path: VerifiedChain) => HandshakeState,
): Pending<HandshakeState> {
  const auth = config.clientAuth!;
  const leaf = auth.cache.parse(chain[0]!);
  const key = leaf.publicKey;
  if (key === undefined) throw new CertificateError('unsupported', 'unsupported_certificate', `client certificate key type is not supported (${leaf.subject})`);
  out.step({ type: 'certificate', chainLength: chain.length, subject: leaf.subject });
  const verified = verifyCertificateChain(chain, { trustAnchors: auth.trustAnchors, now: config.now(), purpose: 'clientAuth', provider: config.provider, cache: auth.cache });
  return new Pending<HandshakeState>(verified, (path) => next(key, path as VerifiedChain));
}
