/**
 * The crypto provider interface. Everything cryptographic in core goes through it, so a
 * native provider (node:crypto, WebCrypto) or a deterministic test provider can replace
 * the default noble one.
 *
 * Operations that a native implementation can only offer asynchronously (WebCrypto key
 * agreement and signatures) return `MaybePromise`: the engine parks on a promise and reports
 * WANT_ASYNC. Hashing, HMAC, HKDF and record AEAD are on the hot path and stay synchronous.
 */

export type MaybePromise<T> = T | Promise<T>;

/** Hash functions used by TLS 1.3 suites and certificate signatures. */
export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA-1';

/** An incremental hash (transcript hashing needs snapshots: `clone()`). */
export interface HashContext {
  update(data: Uint8Array): this;
  /** Digest without disturbing this context. */
  digest(): Uint8Array;
  clone(): HashContext;
}

/** AEAD algorithms of the TLS 1.3 suites. */
export type AeadAlgorithm = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

/**
 * An AEAD bound to one key. `open` returns `null` when authentication fails (the record
 * layer turns that into `bad_record_mac`); it never throws for bad ciphertext.
 */
export interface Aead {
  readonly tagLength: number;
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null;
  /** Overwrite the key material this AEAD holds; it is not used again (a KeyUpdate or the next stage replaced it). */
  destroy?(): void;
  /**
   * Optional: `seal` as a promise, for an AEAD whose fast path is asynchronous (WebCrypto's
   * AES-GCM). With both this and {@link openAsync}, the record layer keeps several TLS 1.3
   * application-data records in flight in each direction (their order kept by sequence
   * number) and the engine reports WANT_ASYNC while it waits; the synchronous methods still
   * serve the handshake and every other record.
   */
  sealAsync?(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Optional: `open` as a promise (null when the tag does not match); see {@link sealAsync}. */
  openAsync?(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Promise<Uint8Array | null>;
}

/** Key exchange groups implemented by providers (NamedGroup names). */
export type KeyExchangeGroup = 'x25519' | 'secp256r1' | 'secp384r1';

/** An ephemeral key pair for one key_share. */
export interface KeyExchangeKeyPair {
  readonly group: KeyExchangeGroup;
  /** The key_exchange bytes to send: 32 bytes for X25519, the uncompressed point for NIST curves. */
  readonly publicKey: Uint8Array;
  /**
   * The shared secret with the peer's key_exchange bytes. Throws
   * `TlsError(illegal_parameter)` for a malformed or invalid point, or an all-zero X25519 result
   * (RFC 8446 §7.4.2).
   */
  deriveSharedSecret(peerPublicKey: Uint8Array): MaybePromise<Uint8Array>;
}

/** A public key as extracted from a certificate's SubjectPublicKeyInfo. */
export type PublicKey =
  | { readonly kind: 'ecdsa'; readonly curve: 'P-256' | 'P-384' | 'P-521'; readonly point: Uint8Array }
  | { readonly kind: 'ed25519'; readonly key: Uint8Array }
  | { readonly kind: 'rsa'; readonly modulus: Uint8Array; readonly exponent: Uint8Array };

/**
 * A private key for signing (a server's, or a client's certificate key), as `loadPrivateKey`
 * (x509/keys.ts) builds it from PEM or DER. `publicKey` is its public half (to match against
 * the certificate); `pkcs8` is a PKCS#8 PrivateKeyInfo DER (RFC 5208 §5) of the same key,
 * which native providers import directly. ECDSA `scalar` is big-endian, exactly the curve's
 * length (32, 48 or 66 bytes); Ed25519 `seed` is the 32-byte RFC 8032 private key. RSA keys
 * carry no private numbers outside `pkcs8`: they are only ever used by native code.
 * Providers cache imported keys per object: load a key once and reuse the object.
 */
export type PrivateKey =
  | { readonly kind: 'ecdsa'; readonly curve: 'P-256' | 'P-384' | 'P-521'; readonly scalar: Uint8Array; readonly publicKey: PublicKey; readonly pkcs8: Uint8Array }
  | { readonly kind: 'ed25519'; readonly seed: Uint8Array; readonly publicKey: PublicKey; readonly pkcs8: Uint8Array }
  | { readonly kind: 'rsa'; readonly modulusBits: number; readonly publicKey: PublicKey; readonly pkcs8: Uint8Array };

/**
 * A signature algorithm, independent of where it is used (TLS CertificateVerify or an X.509
 * signature). ECDSA signatures are DER `ECDSA-Sig-Value` in both places.
 */
export type SignatureAlgorithm =
  | { readonly kind: 'ecdsa'; readonly hash: HashAlgorithm }
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'rsa-pkcs1'; readonly hash: HashAlgorithm }
  | { readonly kind: 'rsa-pss'; readonly hash: HashAlgorithm; readonly saltLength: number };

export interface CryptoProvider {
  /** A short name for traces and benchmarks (`noble`, `node`). */
  readonly name: string;
  /** Cryptographically secure random bytes. The only source of randomness in core. */
  randomBytes(length: number): Uint8Array;
  /** Start an incremental hash. */
  createHash(algorithm: HashAlgorithm): HashContext;
  /** HMAC(key, data). */
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract(salt, ikm), RFC 5869 §2.2. */
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand(prk, info, length), RFC 5869 §2.3. */
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** An AEAD bound to `key`. */
  createAead(algorithm: AeadAlgorithm, key: Uint8Array): Aead;
  /** Which key exchange groups this provider supports. */
  readonly keyExchangeGroups: readonly KeyExchangeGroup[];
  /** A fresh ephemeral key pair. */
  generateKeyPair(group: KeyExchangeGroup): MaybePromise<KeyExchangeKeyPair>;
  /**
   * Verify `signature` over `message` with `publicKey`. Returns false for a wrong signature
   * (including malformed DER); throws `TlsError` only when the key/algorithm pairing is
   * unsupported (e.g. RSA key with an ECDSA algorithm).
   */
  verify(algorithm: SignatureAlgorithm, publicKey: PublicKey, message: Uint8Array, signature: Uint8Array): MaybePromise<boolean>;
  /**
   * Sign `message` (ECDSA signatures DER-encoded, over the `algorithm.hash` digest). Must not
   * leak the key through timing: a provider that cannot sign with some key in constant time
   * (BigInt RSA) delegates to a native implementation and returns a Promise (the engine reports
   * WANT_ASYNC). Throws `UsageError` for a key of the wrong kind for the algorithm (the server
   * picks a scheme that fits its key, so this is a bug, not peer input), for a malformed key, and
   * when no safe implementation is available.
   */
  sign(algorithm: SignatureAlgorithm, privateKey: PrivateKey, message: Uint8Array): MaybePromise<Uint8Array>;
}
