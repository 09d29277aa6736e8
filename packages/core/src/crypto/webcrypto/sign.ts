import { UsageError } from '../../errors/tls-error.ts';
import type { CryptoProvider, PrivateKey, SignatureAlgorithm } from '../provider.ts';
import { keyMismatch } from '../noble/signing-key.ts';
import { ecdsaP1363ToDer } from './ecdsa-signature.ts';
import { isNotSupported, type WebCryptoKey, type WebCryptoKeyParams, type WebCryptoSignParams, type WebCryptoSubtle } from './subtle.ts';

/** What one `sign` call asks of WebCrypto. */
interface SignJob {
  /** Imported keys are cached per PrivateKey under this name (algorithm and import parameters). */
  readonly importName: string;
  /** Remembered as unsupported when this runtime's WebCrypto lacks it (import name plus hash). */
  readonly family: string;
  readonly importParams: WebCryptoKeyParams;
  readonly params: WebCryptoSignParams;
  /** ECDSA: WebCrypto returns IEEE P1363 `r || s`; TLS and X.509 want DER. */
  readonly toDer: boolean;
}

/** The WebCrypto job for `algorithm`; a key of the wrong kind throws `UsageError`. */
function signJob(algorithm: SignatureAlgorithm, key: PrivateKey): SignJob {
  switch (algorithm.kind) {
    case 'ecdsa': {
      if (key.kind !== 'ecdsa') throw keyMismatch(algorithm, key);
      const importName = `ECDSA/${key.curve}`;
      return { importName, family: `${importName}/${algorithm.hash}`, importParams: { name: 'ECDSA', namedCurve: key.curve }, params: { name: 'ECDSA', hash: algorithm.hash }, toDer: true };
    }
    case 'ed25519':
      if (key.kind !== 'ed25519') throw keyMismatch(algorithm, key);
      return { importName: 'Ed25519', family: 'Ed25519', importParams: { name: 'Ed25519' }, params: { name: 'Ed25519' }, toDer: false };
    case 'rsa-pkcs1':
    case 'rsa-pss': {
      if (key.kind !== 'rsa') throw keyMismatch(algorithm, key);
      // WebCrypto binds the hash to an RSA key at import (W3C WebCrypto §20.8, §21.8).
      const name = algorithm.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
      const importName = `${name}/${algorithm.hash}`;
      return {
        importName,
        family: importName,
        importParams: { name, hash: algorithm.hash },
        // RFC 8446 §4.2.3: rsa_pss_rsae_* salts are the hash length; the algorithm carries it.
        params: algorithm.kind === 'rsa-pss' ? { name, saltLength: algorithm.saltLength } : { name },
        toDer: false,
      };
    }
  }
}

/** An imported key, or why there is none. */
type Imported = { readonly key: WebCryptoKey } | 'unsupported' | { readonly refused: string };

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `sign` over WebCrypto: the key's PKCS#8 is imported (non-extractable) once per PrivateKey
 * object and algorithm (a WeakMap), ECDSA results are converted to DER. What this runtime's
 * WebCrypto cannot do (no `sign`, an algorithm, curve or hash it lacks: `NotSupportedError`)
 * is remembered and handed to `fallback` from then on, synchronously. A key WebCrypto refuses
 * for another reason, or a failed signature, rejects with `UsageError` (keys are configuration).
 */
export function createWebCryptoSign(getSubtle: () => WebCryptoSubtle | undefined, fallback: CryptoProvider['sign']): CryptoProvider['sign'] {
  const keys = new WeakMap<PrivateKey, Map<string, Promise<Imported>>>();
  const unsupported = new Set<string>();

  const imported = (subtle: WebCryptoSubtle, privateKey: PrivateKey, job: SignJob): Promise<Imported> => {
    let perKey = keys.get(privateKey);
    if (perKey === undefined) keys.set(privateKey, (perKey = new Map()));
    let entry = perKey.get(job.importName);
    if (entry === undefined) {
      let attempt: Promise<WebCryptoKey>;
      try {
        attempt = subtle.importKey('pkcs8', privateKey.pkcs8, job.importParams, false, ['sign']);
      } catch (error) {
        attempt = Promise.reject(error); // a SubtleCrypto that throws instead of rejecting
      }
      entry = attempt.then(
        (key): Imported => ({ key }),
        (error: unknown): Imported => (isNotSupported(error) ? 'unsupported' : { refused: reason(error) }),
      );
      perKey.set(job.importName, entry);
    }
    return entry;
  };

  const run = async (subtle: WebCryptoSubtle, job: SignJob, algorithm: SignatureAlgorithm, privateKey: PrivateKey, message: Uint8Array): Promise<Uint8Array> => {
    const key = await imported(subtle, privateKey, job);
    if (key === 'unsupported') {
      unsupported.add(job.family);
      return fallback(algorithm, privateKey, message);
    }
    if ('refused' in key) throw new UsageError(`the private key was refused by WebCrypto (${job.importName}): ${key.refused}`);
    let signature: Uint8Array;
    try {
      signature = new Uint8Array(await subtle.sign!(job.params, key.key, message));
    } catch (error) {
      if (!isNotSupported(error)) throw new UsageError(`WebCrypto could not sign with ${job.family}: ${reason(error)}`);
      unsupported.add(job.family);
      return fallback(algorithm, privateKey, message);
    }
    return job.toDer ? ecdsaP1363ToDer(signature) : signature;
  };

  return (algorithm, privateKey, message) => {
    const job = signJob(algorithm, privateKey);
    const subtle = getSubtle();
    if (subtle === undefined || typeof subtle.sign !== 'function' || unsupported.has(job.family)) return fallback(algorithm, privateKey, message);
    // A copy: the caller's buffer may be reused before the promise settles.
    return run(subtle, job, algorithm, privateKey, message.slice());
  };
}
