import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { hmac } from '@noble/hashes/hmac.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { UsageError } from '../../errors/tls-error.ts';
import type { HashAlgorithm, HashContext } from '../provider.ts';

const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512, 'SHA-1': sha1 } as const;

/** The noble hash function for an algorithm name. */
export function nobleHash(algorithm: HashAlgorithm): (typeof HASHES)[HashAlgorithm] {
  return HASHES[algorithm];
}

type NobleHashState = ReturnType<(typeof sha256)['create']>;

class NobleHashContext implements HashContext {
  constructor(private readonly state: NobleHashState) {}
  update(data: Uint8Array): this {
    this.state.update(data);
    return this;
  }
  digest(): Uint8Array {
    // digest() finalizes a noble hash, so digest a copy.
    return this.state.clone().digest();
  }
  clone(): HashContext {
    return new NobleHashContext(this.state.clone());
  }
}

/** An incremental {@link HashContext} whose `digest()` leaves it usable (noble finalizes, so we digest a clone). */
export function createNobleHash(algorithm: HashAlgorithm): HashContext {
  return new NobleHashContext(HASHES[algorithm].create() as NobleHashState);
}

/** HMAC (RFC 2104) with @noble/hashes. */
export function nobleHmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(HASHES[algorithm], key, data);
}

/** HKDF-Extract(salt, IKM) (RFC 5869 §2.2) with @noble/hashes. */
export function nobleHkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(HASHES[algorithm], ikm, salt);
}

/** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3) with @noble/hashes; L is at most 255 × HashLen. */
export function nobleHkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 §2.3: L <= 255*HashLen. A caller asking for more (an exporter length) is misuse.
  const hashLength = HASHES[algorithm].outputLen;
  if (length > 255 * hashLength) throw new UsageError(`HKDF-Expand length ${length} is above 255 × ${hashLength}`);
  return expand(HASHES[algorithm], prk, info, length);
}
