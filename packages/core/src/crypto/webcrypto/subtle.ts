// The part of WebCrypto's SubtleCrypto (W3C Web Cryptography API) this provider uses, as our
// own structural types: core compiles without the DOM library, and Node's, Deno's and the
// browsers' `crypto.subtle` all fit these shapes.

import { UsageError } from '../../errors/tls-error.ts';

/** An opaque WebCrypto key handle (`CryptoKey`). */
export interface WebCryptoKey {
  readonly type: string;
}

/** A generated key pair (`CryptoKeyPair`). */
export interface WebCryptoKeyPair {
  readonly publicKey: WebCryptoKey;
  readonly privateKey: WebCryptoKey;
}

/** The JSON Web Key members we read or write (RFC 7517, RFC 7518 §6, RFC 8037). */
export interface WebCryptoJwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
}

/** Key usages this provider asks for. */
export type WebCryptoKeyUsage = 'deriveBits' | 'verify' | 'sign' | 'encrypt' | 'decrypt';

/** Algorithm parameters for generateKey: a name, plus a curve for ECDH. */
export interface WebCryptoGenerateParams {
  readonly name: string;
  readonly namedCurve?: string;
}

/** Algorithm parameters for importKey: a name, plus a curve (EC) or hash (RSA) where needed. */
export interface WebCryptoKeyParams {
  readonly name: string;
  readonly namedCurve?: string;
  readonly hash?: string;
}

/** `deriveBits` parameters for ECDH and X25519. */
export interface WebCryptoDeriveParams {
  readonly name: string;
  readonly public: WebCryptoKey;
}

/** `verify` parameters: ECDSA names its hash, RSA-PSS its salt length. */
export interface WebCryptoVerifyParams {
  readonly name: string;
  readonly hash?: string;
  readonly saltLength?: number;
}

/** `sign` parameters: the same shapes as {@link WebCryptoVerifyParams}. */
export type WebCryptoSignParams = WebCryptoVerifyParams;

/** AES-GCM `encrypt`/`decrypt` parameters (the tag is appended to the ciphertext). */
export interface WebCryptoAesGcmParams {
  readonly name: 'AES-GCM';
  readonly iv: Uint8Array;
  readonly additionalData: Uint8Array;
  readonly tagLength: number;
}

/** The subset of `SubtleCrypto` used by the WebCrypto provider. */
export interface WebCryptoSubtle {
  generateKey(algorithm: WebCryptoGenerateParams, extractable: boolean, keyUsages: WebCryptoKeyUsage[]): Promise<WebCryptoKeyPair>;
  importKey(format: 'jwk', keyData: WebCryptoJwk, algorithm: WebCryptoKeyParams, extractable: boolean, keyUsages: WebCryptoKeyUsage[]): Promise<WebCryptoKey>;
  importKey(format: 'raw' | 'spki' | 'pkcs8', keyData: Uint8Array, algorithm: WebCryptoKeyParams, extractable: boolean, keyUsages: WebCryptoKeyUsage[]): Promise<WebCryptoKey>;
  exportKey(format: 'jwk', key: WebCryptoKey): Promise<WebCryptoJwk>;
  exportKey(format: 'raw' | 'spki' | 'pkcs8', key: WebCryptoKey): Promise<ArrayBuffer>;
  deriveBits(algorithm: WebCryptoDeriveParams, baseKey: WebCryptoKey, length: number): Promise<ArrayBuffer>;
  verify(algorithm: WebCryptoVerifyParams, key: WebCryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  /**
   * Optional in this type only so that a SubtleCrypto stand-in made for key exchange or
   * verification still fits; without it, signing falls back as for a missing algorithm.
   */
  sign?(algorithm: WebCryptoSignParams, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  /** Optional likewise: without them, record protection stays with noble. */
  encrypt?(algorithm: WebCryptoAesGcmParams, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt?(algorithm: WebCryptoAesGcmParams, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
}

/** The runtime's `crypto.subtle` (Node ≥ 19, Deno, browsers in a secure context), if it has one. */
export function runtimeSubtle(): WebCryptoSubtle | undefined {
  // Under a runtime's own lib (e.g. `deno check`), `crypto.subtle` is its full SubtleCrypto,
  // whose importKey overloads TypeScript cannot match one by one against ours: widen first.
  const subtle: unknown = globalThis.crypto?.subtle;
  return subtle as WebCryptoSubtle | undefined;
}

/** The runtime's `crypto.subtle`; a runtime without it is the caller's mistake ({@link UsageError}). */
export function defaultSubtle(): WebCryptoSubtle {
  const subtle = runtimeSubtle();
  if (subtle === undefined) throw new UsageError('this runtime has no WebCrypto (globalThis.crypto.subtle): pass a SubtleCrypto or use nobleProvider');
  return subtle;
}

/** Whether a WebCrypto rejection says the algorithm (or curve, or hash) is not implemented here. */
export function isNotSupported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'NotSupportedError';
}
