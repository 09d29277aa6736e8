import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  getCiphers,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  constants,
  type Hash,
  type KeyObject,
} from 'node:crypto';
import { TlsError, UsageError, nobleProvider, type Aead, type AeadAlgorithm, type CryptoProvider, type HashAlgorithm, type HashContext, type KeyExchangeGroup, type KeyExchangeKeyPair, type PrivateKey, type PublicKey, type SignatureAlgorithm } from '@rxtls/core';

/**
 * A crypto provider backed by node:crypto (OpenSSL): native AEAD, hashing, key exchange,
 * signature checks and signing. Everything is synchronous, so the engine never waits on a promise.
 */
const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512', 'SHA-1': 'sha1' };
const HASH_LENGTH: Record<HashAlgorithm, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64, 'SHA-1': 20 };
const NODE_AEAD: Record<AeadAlgorithm, { cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; keyLength: number }> = {
  'AES-128-GCM': { cipher: 'aes-128-gcm', keyLength: 16 },
  'AES-256-GCM': { cipher: 'aes-256-gcm', keyLength: 32 },
  'CHACHA20-POLY1305': { cipher: 'chacha20-poly1305', keyLength: 32 },
};
const TAG_LENGTH = 16;
/** Every TLS 1.3 suite uses a 12-byte nonce (RFC 8446 §5.3); anything else is our own bug, as in the noble provider. */
const NONCE_LENGTH = 12;
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

class NodeHash implements HashContext {
  constructor(private readonly h: Hash) {}
  update(data: Uint8Array): this {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return u8(this.h.copy().digest());
  }
  clone(): HashContext {
    return new NodeHash(this.h.copy());
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE_LENGTH) throw new UsageError(`AEAD nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
}

class NodeAead implements Aead {
  readonly tagLength = TAG_LENGTH;
  constructor(
    private readonly cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305',
    private readonly key: Uint8Array,
  ) {}
  destroy(): void {
    this.key.fill(0);
  }
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    checkNonce(nonce);
    const c = createCipheriv(this.cipher as 'aes-128-gcm', this.key, nonce, { authTagLength: TAG_LENGTH });
    c.setAAD(aad);
    const head = c.update(plaintext);
    c.final();
    const out = new Uint8Array(head.length + TAG_LENGTH);
    out.set(head, 0);
    out.set(c.getAuthTag(), head.length);
    return out;
  }
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
    checkNonce(nonce);
    if (sealed.length < TAG_LENGTH) return null;
    const d = createDecipheriv(this.cipher as 'aes-128-gcm', this.key, nonce, { authTagLength: TAG_LENGTH });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    const plain = d.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
    try {
      d.final();
    } catch {
      return null;
    }
    return u8(plain);
  }
}

const CURVE: Record<'secp256r1' | 'secp384r1', { name: string; pointLength: number }> = {
  secp256r1: { name: 'prime256v1', pointLength: 65 },
  secp384r1: { name: 'secp384r1', pointLength: 97 },
};

function ecdhKeyPair(group: 'secp256r1' | 'secp384r1'): KeyExchangeKeyPair {
  const { name, pointLength } = CURVE[group];
  const ecdh = createECDH(name);
  const publicKey = u8(ecdh.generateKeys());
  return {
    group,
    publicKey,
    deriveSharedSecret(peer: Uint8Array): Uint8Array {
      // RFC 8446 §4.2.8.2: uncompressed points only; OpenSSL checks the point is on the curve.
      if (peer.length !== pointLength || peer[0] !== 0x04) throw new TlsError('illegal_parameter', `${group} key share is not an uncompressed point`);
      try {
        return u8(ecdh.computeSecret(peer));
      } catch {
        throw new TlsError('illegal_parameter', `${group} key share is not a point on the curve`);
      }
    },
  };
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function x25519KeyPair(): KeyExchangeKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const raw = u8(publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length));
  return {
    group: 'x25519',
    publicKey: raw,
    deriveSharedSecret(peer: Uint8Array): Uint8Array {
      if (peer.length !== 32) throw new TlsError('illegal_parameter', 'x25519 key share must be 32 bytes');
      const peerKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peer]), format: 'der', type: 'spki' });
      let secret: Uint8Array;
      try {
        secret = u8(diffieHellman({ privateKey, publicKey: peerKey }));
      } catch {
        // OpenSSL refuses to derive from a low-order point (its result would be all zero).
        throw new TlsError('illegal_parameter', 'x25519 key share is a low-order point');
      }
      // RFC 8446 §7.4.2: an all-zero shared secret means a small-order point.
      if (secret.every((b) => b === 0)) throw new TlsError('illegal_parameter', 'x25519 shared secret is all zero');
      return secret;
    },
  };
}

const toB64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

// Certificate keys repeat across handshakes (the x509 cache hands out the same objects).
const keyObjects = new WeakMap<PublicKey, KeyObject>();

function keyObject(key: PublicKey): KeyObject {
  let k = keyObjects.get(key);
  if (k === undefined) {
    k = importKey(key);
    keyObjects.set(key, k);
  }
  return k;
}

function importKey(key: PublicKey): KeyObject {
  switch (key.kind) {
    case 'ed25519':
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toB64u(key.key) }, format: 'jwk' });
    case 'rsa':
      return createPublicKey({ key: { kty: 'RSA', n: toB64u(key.modulus), e: toB64u(key.exponent) }, format: 'jwk' });
    case 'ecdsa': {
      const n = (key.point.length - 1) / 2;
      return createPublicKey({ key: { kty: 'EC', crv: key.curve, x: toB64u(key.point.subarray(1, 1 + n)), y: toB64u(key.point.subarray(1 + n)) }, format: 'jwk' });
    }
  }
}

// The RSA keys the noble verifier accepts, so both providers give the same verdict: OpenSSL
// alone would verify with a 512-bit modulus or a public exponent of 1 (where a signature is
// just the encoded message).
const MIN_MODULUS_BITS = 1024;
const MAX_MODULUS_BITS = 8192;
const MAX_EXPONENT_BITS = 32;

/** Bit length of a big-endian unsigned integer. */
function bitLength(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return i === b.length ? 0 : (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

/** A modulus of 1024..8192 bits and an odd public exponent in [3, 2^32). */
function rsaKeyInLimits(modulus: Uint8Array, exponent: Uint8Array): boolean {
  const bits = bitLength(modulus);
  const eBits = bitLength(exponent);
  return bits >= MIN_MODULUS_BITS && bits <= MAX_MODULUS_BITS && eBits >= 2 && eBits <= MAX_EXPONENT_BITS && (exponent[exponent.length - 1]! & 1) === 1;
}

function kindMatches(alg: SignatureAlgorithm, key: PublicKey): boolean {
  if (alg.kind === 'ecdsa') return key.kind === 'ecdsa';
  if (alg.kind === 'ed25519') return key.kind === 'ed25519';
  return key.kind === 'rsa';
}

// Private keys are imported from their PKCS#8 once per PrivateKey object (a server signs with
// the same key object on every handshake).
const privateKeyObjects = new WeakMap<PrivateKey, KeyObject>();

function privateKeyObject(key: PrivateKey): KeyObject {
  let k = privateKeyObjects.get(key);
  if (k === undefined) {
    try {
      k = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' });
    } catch (cause) {
      throw new UsageError(`the ${key.kind} private key was refused by node:crypto: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    privateKeyObjects.set(key, k);
  }
  return k;
}

/**
 * Sign with node:crypto (OpenSSL), synchronously: ECDSA as DER over the `algorithm.hash` digest,
 * Ed25519 (RFC 8032), RSA PKCS#1 v1.5 and PSS (MGF1 with the same hash, the algorithm's salt
 * length). A key of the wrong kind, or one OpenSSL refuses, throws `UsageError`.
 */
function sign(algorithm: SignatureAlgorithm, privateKey: PrivateKey, message: Uint8Array): Uint8Array {
  // The server picks a scheme that fits its key: a mismatch is a bug, not peer input.
  const fits = algorithm.kind === 'ecdsa' ? privateKey.kind === 'ecdsa' : algorithm.kind === 'ed25519' ? privateKey.kind === 'ed25519' : privateKey.kind === 'rsa';
  if (!fits) throw new UsageError(`an ${privateKey.kind} private key cannot make ${algorithm.kind} signatures`);
  const key = privateKeyObject(privateKey);
  try {
    switch (algorithm.kind) {
      case 'ed25519':
        return u8(nodeSign(null, message, key));
      case 'ecdsa':
        return u8(nodeSign(NODE_HASH[algorithm.hash], message, { key, dsaEncoding: 'der' }));
      case 'rsa-pkcs1':
        return u8(nodeSign(NODE_HASH[algorithm.hash], message, { key, padding: constants.RSA_PKCS1_PADDING }));
      case 'rsa-pss':
        return u8(nodeSign(NODE_HASH[algorithm.hash], message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength }));
    }
  } catch (cause) {
    throw new UsageError(`node:crypto could not make a ${algorithm.kind} signature: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** HKDF-Expand (RFC 5869 §2.3) over node's HMAC. */
function hkdfExpand(hash: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 §2.3: L <= 255*HashLen (the one-byte counter would wrap), as noble enforces.
  if (length > 255 * HASH_LENGTH[hash]) throw new UsageError(`HKDF-Expand length ${length} is above 255 × ${HASH_LENGTH[hash]}`);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    const h = createHmac(NODE_HASH[hash], prk);
    h.update(previous);
    h.update(info);
    h.update(Uint8Array.of(i));
    previous = u8(h.digest());
    out.set(previous.subarray(0, Math.min(previous.length, length - at)), at);
    at += previous.length;
  }
  return out;
}

/** The node:crypto provider. */
/** Whether this runtime's node:crypto implements `cipher` (Node always; Bun lacks chacha20-poly1305). */
const cipherSupport = new Map<string, boolean>();
function hasCipher(cipher: string): boolean {
  let known = cipherSupport.get(cipher);
  if (known === undefined) {
    known = getCiphers().includes(cipher);
    cipherSupport.set(cipher, known);
  }
  return known;
}

export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',
  randomBytes: (length) => u8(randomBytes(length)),
  createHash: (algorithm) => new NodeHash(createHash(NODE_HASH[algorithm])),
  hmac: (algorithm, key, data) => u8(createHmac(NODE_HASH[algorithm], key).update(data).digest()),
  hkdfExtract: (algorithm, salt, ikm) => u8(createHmac(NODE_HASH[algorithm], salt.length > 0 ? salt : new Uint8Array(HASH_LENGTH[algorithm])).update(ikm).digest()),
  hkdfExpand,
  createAead(algorithm, key) {
    const spec = NODE_AEAD[algorithm];
    if (key.length !== spec.keyLength) throw new UsageError(`${algorithm} key must be ${spec.keyLength} bytes, got ${key.length}`);
    // Bun's node:crypto has no ChaCha20-Poly1305 (measured, Bun 1.4.4: "Unknown cipher"): noble serves it there.
    if (!hasCipher(spec.cipher)) return nobleProvider.createAead(algorithm, key);
    return new NodeAead(spec.cipher, key.slice());
  },
  keyExchangeGroups: ['x25519', 'secp256r1', 'secp384r1'],
  generateKeyPair: (group: KeyExchangeGroup) => (group === 'x25519' ? x25519KeyPair() : ecdhKeyPair(group)),
  verify(algorithm, publicKey, message, signature) {
    if (!kindMatches(algorithm, publicKey)) throw new TlsError('illegal_parameter', `a ${publicKey.kind} key cannot check a ${algorithm.kind} signature`);
    if (publicKey.kind === 'rsa' && !rsaKeyInLimits(publicKey.modulus, publicKey.exponent)) return false;
    try {
      const key = keyObject(publicKey);
      switch (algorithm.kind) {
        case 'ed25519':
          return nodeVerify(null, message, key, signature);
        case 'ecdsa':
          return nodeVerify(NODE_HASH[algorithm.hash], message, { key, dsaEncoding: 'der' }, signature);
        case 'rsa-pkcs1':
          return nodeVerify(NODE_HASH[algorithm.hash], message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
        case 'rsa-pss':
          return nodeVerify(NODE_HASH[algorithm.hash], message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength }, signature);
      }
    } catch {
      return false;
    }
  },
  sign,
};
