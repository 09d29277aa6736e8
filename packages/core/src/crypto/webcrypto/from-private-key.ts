import { concat, fromHex } from '../../bytes/util.ts';
import { UsageError } from '../../errors/tls-error.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair } from '../provider.ts';
import { fromBase64Url } from './base64url.ts';
import { GROUPS, webCryptoPair } from './key-exchange.ts';
import { defaultSubtle, type WebCryptoSubtle } from './subtle.ts';

// PKCS#8 PrivateKeyInfo headers (RFC 5208 §5) that the raw private key is appended to:
// - X25519 (RFC 8410 §7): AlgorithmIdentifier id-X25519, privateKey OCTET STRING { CurvePrivateKey }.
// - NIST curves (RFC 5915 §3, RFC 5480 §2.1.1): id-ecPublicKey with the namedCurve, privateKey
//   OCTET STRING { ECPrivateKey { version 1, privateKey OCTET STRING } } with no public key;
//   the runtime computes it.
const PKCS8_PREFIX: Readonly<Record<KeyExchangeGroup, { readonly header: string; readonly length: number }>> = {
  x25519: { header: '302e020100300506032b656e04220420', length: 32 },
  secp256r1: { header: '3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420', length: 32 },
  secp384r1: { header: '304e020100301006072a8648ce3d020106052b81040022043730350201010430', length: 48 },
};

/**
 * A WebCrypto key pair from a given private key, so published traces (RFC 8448) can be
 * replayed with this provider: the key is imported as PKCS#8 and its public half read back as
 * a JWK. X25519 keys are 32 bytes; NIST keys are big-endian scalars of the curve's length. A
 * key of the wrong length, or one the runtime refuses (zero, not below n), is the caller's
 * mistake: {@link UsageError}.
 */
export async function webCryptoKeyPairFromPrivateKey(group: KeyExchangeGroup, privateKey: Uint8Array, subtle: WebCryptoSubtle = defaultSubtle()): Promise<KeyExchangeKeyPair> {
  const { header, length } = PKCS8_PREFIX[group];
  if (privateKey.length !== length) throw new UsageError(`${group} private key must be ${length} bytes, got ${privateKey.length}`);
  const { params } = GROUPS[group];
  const pkcs8 = concat(fromHex(header), privateKey);
  try {
    // Extractable once, to read the public key; the key kept for deriving is not.
    const jwk = await subtle.exportKey('jwk', await subtle.importKey('pkcs8', pkcs8, params, true, ['deriveBits']));
    const x = fromBase64Url(jwk.x ?? '');
    const y = group === 'x25519' ? new Uint8Array(0) : fromBase64Url(jwk.y ?? '');
    const publicKey = x === undefined || y === undefined ? undefined : group === 'x25519' ? x : concat(new Uint8Array([0x04]), x, y);
    if (publicKey?.length !== GROUPS[group].shareLength) throw new UsageError(`${group}: the runtime exported an unreadable public key`);
    const kept = await subtle.importKey('pkcs8', pkcs8, params, false, ['deriveBits']);
    return webCryptoPair(subtle, group, kept, publicKey);
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`${group} private key refused by WebCrypto: ${cause instanceof Error ? cause.message : String(cause)}`);
  } finally {
    pkcs8.fill(0);
  }
}
