import { TlsError } from '../../errors/tls-error.ts';
import type { CryptoProvider, PublicKey, SignatureAlgorithm } from '../provider.ts';
import { MAX_MODULUS_BITS, MIN_MODULUS_BITS } from '../noble/rsa.ts';
import { toBase64Url } from './base64url.ts';
import { ecdsaDerToP1363 } from './ecdsa-signature.ts';
import { isNotSupported, type WebCryptoKey, type WebCryptoSubtle, type WebCryptoVerifyParams } from './subtle.ts';

/** Public exponents above 2^32 are refused, as the noble provider does (real keys use 65537). */
const MAX_EXPONENT_BITS = 32;

/** Scalar size in bytes of each ECDSA curve (the width of r and s in IEEE P1363 form). */
const ECDSA_SIZE = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

/** What one `verify` call asks of WebCrypto. */
interface Job {
  /** Imported keys are cached per PublicKey under this name (algorithm and import parameters). */
  readonly importName: string;
  /** Remembered as unsupported when this runtime's WebCrypto lacks it (import name plus hash). */
  readonly family: string;
  readonly importKey: (subtle: WebCryptoSubtle) => Promise<WebCryptoKey>;
  readonly params: WebCryptoVerifyParams;
  readonly signature: Uint8Array;
}

/** Either a verification job, a verdict reached without WebCrypto, or "ask the fallback". */
type Plan = Job | boolean | 'fallback';

function bitLength(bytes: Uint8Array): number {
  const first = bytes[0];
  return first === undefined ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(first));
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/**
 * The same key policy as the noble provider, so both providers accept the same keys: a
 * modulus of 1024..8192 bits, an odd public exponent in [3, 2^32), a signature of exactly
 * the modulus's byte length (RFC 8017 §8.1.2 step 1, §8.2.2 step 1).
 */
function rsaJob(algorithm: Extract<SignatureAlgorithm, { kind: 'rsa-pkcs1' | 'rsa-pss' }>, key: Extract<PublicKey, { kind: 'rsa' }>, signature: Uint8Array): Plan {
  const n = stripLeadingZeros(key.modulus);
  const e = stripLeadingZeros(key.exponent);
  const bits = bitLength(n);
  if (bits < MIN_MODULUS_BITS || bits > MAX_MODULUS_BITS) return false;
  const eBits = bitLength(e);
  if (eBits > MAX_EXPONENT_BITS || eBits < 2 || (e[e.length - 1]! & 1) === 0) return false;
  if (signature.length !== Math.ceil(bits / 8)) return false;
  const name = algorithm.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
  const importName = `${name}/${algorithm.hash}`;
  return {
    importName,
    family: importName,
    // RFC 7518 §6.3.1: n and e as unsigned big-endian base64url, without leading zeros.
    importKey: (subtle) => subtle.importKey('jwk', { kty: 'RSA', n: toBase64Url(n), e: toBase64Url(e) }, { name, hash: algorithm.hash }, false, ['verify']),
    params: algorithm.kind === 'rsa-pss' ? { name, saltLength: algorithm.saltLength } : { name },
    signature,
  };
}

/** What to do for one verify call; throws for a key of the wrong kind, as the noble provider does. */
function plan(algorithm: SignatureAlgorithm, key: PublicKey, signature: Uint8Array): Plan {
  switch (algorithm.kind) {
    case 'ecdsa': {
      if (key.kind !== 'ecdsa') throw new TlsError('illegal_parameter', `an ${key.kind} key cannot check an ECDSA signature`);
      const size = ECDSA_SIZE[key.curve];
      // Compressed or malformed points: the fallback decides (WebCrypto's raw import wants 04 || X || Y).
      if (key.point.length !== 1 + 2 * size || key.point[0] !== 0x04) return 'fallback';
      const p1363 = ecdsaDerToP1363(signature, size);
      if (p1363 === undefined) return false; // malformed DER is a wrong signature, never an exception
      return {
        importName: `ECDSA/${key.curve}`,
        family: `ECDSA/${key.curve}/${algorithm.hash}`,
        importKey: (subtle) => subtle.importKey('raw', key.point.slice(), { name: 'ECDSA', namedCurve: key.curve }, false, ['verify']),
        params: { name: 'ECDSA', hash: algorithm.hash },
        signature: p1363,
      };
    }
    case 'ed25519': {
      if (key.kind !== 'ed25519') throw new TlsError('illegal_parameter', `an ${key.kind} key cannot check an Ed25519 signature`);
      // RFC 8032 §5.1.5, §5.1.6: a 32-byte key and a 64-byte signature.
      if (key.key.length !== 32 || signature.length !== 64) return false;
      return {
        importName: 'Ed25519',
        family: 'Ed25519',
        importKey: (subtle) => subtle.importKey('raw', key.key.slice(), { name: 'Ed25519' }, false, ['verify']),
        params: { name: 'Ed25519' },
        signature,
      };
    }
    case 'rsa-pkcs1':
    case 'rsa-pss':
      if (key.kind !== 'rsa') throw new TlsError('illegal_parameter', `an ${key.kind} key cannot check an RSA signature`);
      return rsaJob(algorithm, key, signature);
  }
}

/** An imported key, or why there is none. */
type Imported = { readonly key: WebCryptoKey } | 'unsupported' | 'refused';

/**
 * `verify` over WebCrypto with imported keys cached per PublicKey object (a WeakMap: X.509
 * parsing is cached per context, so a server's keys repeat across handshakes). What this
 * runtime's WebCrypto cannot do (an algorithm, curve or hash it lacks) is remembered and
 * handed to `fallback` from then on, synchronously; a key WebCrypto will not import
 * (a compressed point, an off-curve point) is judged by `fallback` too, so both providers give
 * the same verdicts.
 */
export function createWebCryptoVerify(getSubtle: () => WebCryptoSubtle | undefined, fallback: CryptoProvider['verify']): CryptoProvider['verify'] {
  const keys = new WeakMap<PublicKey, Map<string, Promise<Imported>>>();
  const unsupported = new Set<string>();

  const imported = (subtle: WebCryptoSubtle, publicKey: PublicKey, job: Job): Promise<Imported> => {
    let perKey = keys.get(publicKey);
    if (perKey === undefined) keys.set(publicKey, (perKey = new Map()));
    let entry = perKey.get(job.importName);
    if (entry === undefined) {
      let attempt: Promise<WebCryptoKey>;
      try {
        attempt = job.importKey(subtle);
      } catch (error) {
        attempt = Promise.reject(error); // a SubtleCrypto that throws instead of rejecting
      }
      entry = attempt.then(
        (key): Imported => ({ key }),
        (error: unknown): Imported => (isNotSupported(error) ? 'unsupported' : 'refused'),
      );
      perKey.set(job.importName, entry);
    }
    return entry;
  };

  const run = async (subtle: WebCryptoSubtle, job: Job, algorithm: SignatureAlgorithm, publicKey: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    const key = await imported(subtle, publicKey, job);
    if (key === 'unsupported') unsupported.add(job.family);
    if (typeof key !== 'object') return fallback(algorithm, publicKey, message, signature);
    try {
      return await subtle.verify(job.params, key.key, job.signature, message);
    } catch (error) {
      if (!isNotSupported(error)) return false;
      unsupported.add(job.family);
      return fallback(algorithm, publicKey, message, signature);
    }
  };

  return (algorithm, publicKey, message, signature) => {
    const job = plan(algorithm, publicKey, signature);
    if (typeof job === 'boolean') return job;
    const subtle = getSubtle();
    if (subtle === undefined || job === 'fallback' || unsupported.has(job.family)) return fallback(algorithm, publicKey, message, signature);
    // Copies: the caller's buffers may be reused before the promise settles. (The key is read
    // at once, when its import starts; the ECDSA signature is already a fresh P1363 buffer.)
    const copied = signature.slice();
    return run(subtle, job.signature === signature ? { ...job, signature: copied } : job, algorithm, publicKey, message.slice(), copied);
  };
}
