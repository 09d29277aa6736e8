import { UsageError } from '../../errors/tls-error.ts';
import type { PrivateKey, SignatureAlgorithm } from '../provider.ts';

/**
 * The error for a private key of the wrong kind for `algorithm` (an RSA key asked for ECDSA,
 * ...). The server picks a scheme that fits its key (`schemeMatchesKey`), so reaching this is
 * a bug in the caller: {@link UsageError}, not an alert.
 */
export function keyMismatch(algorithm: SignatureAlgorithm, key: PrivateKey): UsageError {
  return new UsageError(`an ${key.kind} private key cannot make ${algorithm.kind} signatures`);
}

/** Throw {@link keyMismatch} unless `key` is of the kind `algorithm` signs with. */
export function checkSigningKey(algorithm: SignatureAlgorithm, key: PrivateKey): void {
  const fits = algorithm.kind === 'ecdsa' ? key.kind === 'ecdsa' : algorithm.kind === 'ed25519' ? key.kind === 'ed25519' : key.kind === 'rsa';
  if (!fits) throw keyMismatch(algorithm, key);
}
