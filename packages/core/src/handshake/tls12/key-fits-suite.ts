import type { CipherSuite12 } from '../../crypto/suites12.ts';
import type { PublicKey } from '../../crypto/provider.ts';

/**
 * RFC 8422 §5.3: ECDHE_ECDSA suites need an ECDSA (or Ed25519, RFC 8422 §3) certificate,
 * ECDHE_RSA an RSA one.
 */
export function keyFitsSuite(suite: CipherSuite12, key: PublicKey): boolean {
  return suite.authentication === 'rsa' ? key.kind === 'rsa' : key.kind === 'ecdsa' || key.kind === 'ed25519';
}
