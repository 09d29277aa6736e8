/**
 * The TLS 1.2 key schedule (RFC 5246 §5, §6.3, §7.4.9, §8.1; RFC 7627 §4), for the suites
 * rxtls offers in 1.2: ECDHE with AEAD, whose PRF hash is the suite's (SHA-256 or SHA-384).
 * Pure functions over the provider's HMAC; nothing here keeps a secret.
 */
import { concat, utf8 } from '../bytes/util.ts';
import { UsageError } from '../errors/tls-error.ts';
import type { CryptoProvider, HashAlgorithm } from './provider.ts';

/** Bytes of a master secret (RFC 5246 §8.1). */
export const MASTER_SECRET_LENGTH = 48;
/** Bytes of Finished.verify_data in TLS 1.2 with the suites we offer (RFC 5246 §7.4.9). */
export const VERIFY_DATA_LENGTH_12 = 12;

/**
 * P_hash(secret, seed) (RFC 5246 §5): HMAC(secret, A(i) + seed) for A(0) = seed,
 * A(i) = HMAC(secret, A(i-1)), concatenated and cut to `length`.
 */
export function pHash(provider: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 1 << 16) throw new UsageError(`P_hash: length ${length} out of range`);
  const out = new Uint8Array(length);
  let a = seed;
  for (let at = 0; at < length; ) {
    a = provider.hmac(hash, secret, a);
    const block = provider.hmac(hash, secret, concat(a, seed));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246 §5). */
export function prf12(provider: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(provider, hash, secret, concat(utf8(label), seed), length);
}

/**
 * master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
 * (RFC 7627 §4): `sessionHash` is the hash of the handshake messages up to and including the
 * ClientKeyExchange. What rxtls uses by default.
 */
export function extendedMasterSecret(provider: CryptoProvider, hash: HashAlgorithm, preMasterSecret: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf12(provider, hash, preMasterSecret, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

/**
 * master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
 * ServerHello.random)[0..47] (RFC 5246 §8.1): only for a peer without extended master
 * secret, when the user allowed it.
 */
export function legacyMasterSecret(provider: CryptoProvider, hash: HashAlgorithm, preMasterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf12(provider, hash, preMasterSecret, 'master secret', concat(clientRandom, serverRandom), MASTER_SECRET_LENGTH);
}

/** The write keys and IVs of both sides (RFC 5246 §6.3; AEAD suites have no MAC keys). */
export interface KeyBlock12 {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
 * client_write_key, server_write_key, client_write_IV, server_write_IV (RFC 5246 §6.3). The
 * IV is the implicit part of the nonce: 4 bytes for AES-GCM (RFC 5288 §3), 12 for
 * ChaCha20-Poly1305 (RFC 7905 §2).
 */
export function keyBlock12(provider: CryptoProvider, hash: HashAlgorithm, masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, keyLength: number, ivLength: number): KeyBlock12 {
  const block = prf12(provider, hash, masterSecret, 'key expansion', concat(serverRandom, clientRandom), 2 * keyLength + 2 * ivLength);
  let at = 0;
  const take = (n: number): Uint8Array => block.slice(at, (at += n));
  return { clientWriteKey: take(keyLength), serverWriteKey: take(keyLength), clientWriteIv: take(ivLength), serverWriteIv: take(ivLength) };
}

/**
 * Finished.verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
 * (RFC 5246 §7.4.9), `finished_label` "client finished" or "server finished".
 */
export function finishedVerifyData12(provider: CryptoProvider, hash: HashAlgorithm, masterSecret: Uint8Array, sender: 'client' | 'server', handshakeHash: Uint8Array): Uint8Array {
  return prf12(provider, hash, masterSecret, `${sender} finished`, handshakeHash, VERIFY_DATA_LENGTH_12);
}
