import { CipherSuite } from '../codec/enums.ts';
import type { AeadAlgorithm, HashAlgorithm } from './provider.ts';

/**
 * How a TLS 1.2 AEAD suite builds its per-record nonce: `explicit` (AES-GCM, RFC 5288 §3: a
 * 4-byte salt plus 8 bytes sent in each record) or `xor` (ChaCha20-Poly1305, RFC 7905 §2:
 * the 12-byte IV XOR the sequence number).
 */
export type NonceStyle12 = 'explicit' | 'xor';

/**
 * What a TLS 1.2 cipher suite fixes (RFC 5246 §6.3, Appendix C): ECDHE always; the
 * certificate's key type; the AEAD and how it builds nonces; the PRF hash. Only the
 * forward-secret AEAD suites of rustls's and Mozilla's "intermediate" profile.
 */
export interface CipherSuite12 {
  readonly id: number;
  readonly name: string;
  /** OpenSSL's name (what node:tls's `getCipher().name` says): `ECDHE-RSA-AES128-GCM-SHA256`. */
  readonly opensslName: string;
  /** The server certificate's key type the suite is for. */
  readonly authentication: 'ecdsa' | 'rsa';
  readonly aead: AeadAlgorithm;
  /** The PRF's hash (RFC 5289: the suite's; RFC 7905: SHA-256). */
  readonly hash: HashAlgorithm;
  readonly keyLength: number;
  /** The implicit IV from the key block: the 4-byte salt of AES-GCM (RFC 5288), 12 bytes for ChaCha20 (RFC 7905). */
  readonly ivLength: number;
  readonly nonce: NonceStyle12;
}

const gcm = (id: number, name: string, authentication: 'ecdsa' | 'rsa', bits: 128 | 256): CipherSuite12 => ({
  id,
  name,
  opensslName: `ECDHE-${authentication === 'rsa' ? 'RSA' : 'ECDSA'}-AES${bits}-GCM-SHA${bits === 128 ? 256 : 384}`,
  authentication,
  aead: bits === 128 ? 'AES-128-GCM' : 'AES-256-GCM',
  hash: bits === 128 ? 'SHA-256' : 'SHA-384',
  keyLength: bits / 8,
  ivLength: 4,
  nonce: 'explicit',
});

const chacha = (id: number, name: string, authentication: 'ecdsa' | 'rsa'): CipherSuite12 => ({
  id,
  name,
  opensslName: `ECDHE-${authentication === 'rsa' ? 'RSA' : 'ECDSA'}-CHACHA20-POLY1305`,
  authentication,
  aead: 'CHACHA20-POLY1305',
  hash: 'SHA-256',
  keyLength: 32,
  ivLength: 12,
  nonce: 'xor',
});

/** The six TLS 1.2 suites rxtls implements, in its default preference order. */
export const TLS12_CIPHER_SUITES: readonly CipherSuite12[] = [
  gcm(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ecdsa', 128),
  gcm(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'rsa', 128),
  gcm(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ecdsa', 256),
  gcm(CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'rsa', 256),
  chacha(CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ecdsa'),
  chacha(CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'rsa'),
];

/** The TLS 1.2 suite with code point `id`, if we implement it. */
export function getCipherSuite12(id: number): CipherSuite12 | undefined {
  return TLS12_CIPHER_SUITES.find((s) => s.id === id);
}
