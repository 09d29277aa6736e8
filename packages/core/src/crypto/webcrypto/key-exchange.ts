import { TlsError } from '../../errors/tls-error.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair } from '../provider.ts';
import type { WebCryptoKey, WebCryptoKeyParams, WebCryptoSubtle } from './subtle.ts';

/** How each TLS group is named in WebCrypto, and its sizes. */
export const GROUPS: Readonly<Record<KeyExchangeGroup, { readonly params: WebCryptoKeyParams; readonly shareLength: number; readonly secretBits: number }>> = {
  // RFC 8446 §4.2.8.2: X25519 key_exchange is the 32-byte u-coordinate.
  x25519: { params: { name: 'X25519' }, shareLength: 32, secretBits: 256 },
  // RFC 8446 §4.2.8.2: UncompressedPointRepresentation, 0x04 || X || Y.
  secp256r1: { params: { name: 'ECDH', namedCurve: 'P-256' }, shareLength: 65, secretBits: 256 },
  secp384r1: { params: { name: 'ECDH', namedCurve: 'P-384' }, shareLength: 97, secretBits: 384 },
};

/** Refuse a share of the wrong length, or a NIST share that is not an uncompressed point. */
function checkShare(group: KeyExchangeGroup, peer: Uint8Array): void {
  const { shareLength } = GROUPS[group];
  if (group === 'x25519') {
    if (peer.length !== shareLength) throw new TlsError('illegal_parameter', `x25519 key share must be 32 bytes, got ${peer.length}`);
  } else if (peer.length !== shareLength || peer[0] !== 0x04) {
    throw new TlsError('illegal_parameter', `${group} key share is not an uncompressed point`);
  }
}

async function derive(subtle: WebCryptoSubtle, group: KeyExchangeGroup, privateKey: WebCryptoKey, peer: Uint8Array): Promise<Uint8Array> {
  const { params, secretBits } = GROUPS[group];
  let shared: Uint8Array;
  try {
    // WebCrypto checks that a NIST point lies on the curve when it imports it.
    const peerKey = await subtle.importKey('raw', peer, params, true, []);
    // RFC 8446 §7.4.2: for ECDH the shared secret is the x-coordinate, which deriveBits returns.
    shared = new Uint8Array(await subtle.deriveBits({ name: params.name, public: peerKey }, privateKey, secretBits));
  } catch (cause) {
    // OpenSSL-backed WebCrypto refuses a low-order X25519 point outright (its result would be zero).
    throw new TlsError('illegal_parameter', `${group} key share is not a usable point`, 'local', { cause });
  }
  // RFC 8446 §7.4.2: an all-zero X25519 shared secret must be refused, whoever computed it.
  if (group === 'x25519' && shared.every((b) => b === 0)) throw new TlsError('illegal_parameter', 'x25519 shared secret is all zero');
  return shared;
}

/**
 * A key pair whose private half is a (non-extractable) WebCrypto key. `deriveSharedSecret`
 * checks the share's shape at once (throwing `TlsError(illegal_parameter)`), then returns a
 * promise that rejects with `TlsError(illegal_parameter)` when WebCrypto refuses the point.
 */
export function webCryptoPair(subtle: WebCryptoSubtle, group: KeyExchangeGroup, privateKey: WebCryptoKey, publicKey: Uint8Array): KeyExchangeKeyPair {
  return {
    group,
    publicKey,
    deriveSharedSecret(peer: Uint8Array): Promise<Uint8Array> {
      checkShare(group, peer);
      // Copy: the engine may hand us a view of a buffer it reuses before the promise settles.
      return derive(subtle, group, privateKey, peer.slice());
    },
  };
}

/** A fresh ephemeral key pair from `subtle.generateKey`; the public key exported raw (uncompressed for NIST). */
export async function generateWebCryptoKeyPair(subtle: WebCryptoSubtle, group: KeyExchangeGroup): Promise<KeyExchangeKeyPair> {
  const { params } = GROUPS[group];
  const pair = await subtle.generateKey(params, false, ['deriveBits']);
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return webCryptoPair(subtle, group, pair.privateKey, publicKey);
}
