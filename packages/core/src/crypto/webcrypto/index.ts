import type { CryptoProvider, KeyExchangeGroup, KeyExchangeKeyPair, MaybePromise } from '../provider.ts';
import { nobleProvider } from '../noble/index.ts';
import { createWebCryptoAead } from './aead.ts';
import { generateWebCryptoKeyPair } from './key-exchange.ts';
import { runtimeSubtle, type WebCryptoSubtle } from './subtle.ts';
import { createWebCryptoSign } from './sign.ts';
import { createWebCryptoVerify } from './verify.ts';

export type { WebCryptoSubtle } from './subtle.ts';
export { webCryptoKeyPairFromPrivateKey } from './from-private-key.ts';

/**
 * A crypto provider that keeps noble for everything synchronous and hot (randomness, hashes,
 * HMAC, HKDF: a WebCrypto promise per HKDF step costs more than the work) and uses WebCrypto
 * for the expensive operations, which then return promises (the engine reports WANT_ASYNC
 * and resumes when they settle):
 *
 * - record protection with AES-GCM, as an AEAD with asynchronous `sealAsync`/`openAsync`
 *   (TLS 1.3 application data, up to `RECORD_PIPELINE_DEPTH` records in flight each way);
 *   the handshake's records and ChaCha20-Poly1305 stay with noble;
 * - key exchange: X25519 and ECDH P-256/P-384 (`generateKey`, `deriveBits`); a peer share of
 *   the wrong shape or one WebCrypto refuses, and an all-zero X25519 result, are
 *   `TlsError(illegal_parameter)`;
 * - signature checks: ECDSA (DER converted to IEEE P1363; malformed DER is false), Ed25519,
 *   RSASSA-PKCS1-v1_5 and RSA-PSS, with imported keys cached per PublicKey object and the
 *   noble provider's RSA key limits;
 * - signatures: ECDSA (WebCrypto's r || s converted to DER), Ed25519, RSASSA-PKCS1-v1_5 and
 *   RSA-PSS, with each private key imported from its PKCS#8 once and cached per PrivateKey
 *   object.
 *
 * What the runtime's WebCrypto lacks (X25519 or Ed25519 on older runtimes, a curve, or
 * WebCrypto altogether, as in a browser page outside a secure context) is detected once, on
 * first use, and noble serves it from then on, synchronously.
 *
 * @param subtle the SubtleCrypto to use; by default the runtime's `crypto.subtle`, looked up
 *   on first use (creating the provider touches nothing).
 */
export function createWebCryptoProvider(subtle?: WebCryptoSubtle): CryptoProvider {
  let resolved: WebCryptoSubtle | null | undefined = subtle;
  const getSubtle = (): WebCryptoSubtle | undefined => {
    if (resolved === undefined) resolved = runtimeSubtle() ?? null;
    return resolved ?? undefined;
  };
  /** Groups this runtime's WebCrypto turned out not to implement: noble makes their keys. */
  const nobleGroups = new Set<KeyExchangeGroup>();

  const generateKeyPair = (group: KeyExchangeGroup): MaybePromise<KeyExchangeKeyPair> => {
    const s = getSubtle();
    if (s === undefined || nobleGroups.has(group)) return nobleProvider.generateKeyPair(group);
    return generateWebCryptoKeyPair(s, group).catch(() => {
      // Not implemented here (NotSupportedError, or a runtime that does not know the name):
      // remember it, so later handshakes go to noble without a round trip.
      nobleGroups.add(group);
      return nobleProvider.generateKeyPair(group);
    });
  };

  return {
    name: 'webcrypto',
    randomBytes: nobleProvider.randomBytes,
    createHash: nobleProvider.createHash,
    hmac: nobleProvider.hmac,
    hkdfExtract: nobleProvider.hkdfExtract,
    hkdfExpand: nobleProvider.hkdfExpand,
    createAead: (algorithm, key) => createWebCryptoAead(getSubtle(), algorithm, key, nobleProvider.createAead(algorithm, key)),
    keyExchangeGroups: ['x25519', 'secp256r1', 'secp384r1'],
    generateKeyPair,
    verify: createWebCryptoVerify(getSubtle, nobleProvider.verify),
    sign: createWebCryptoSign(getSubtle, nobleProvider.sign),
  };
}

/**
 * The WebCrypto-accelerated provider over the runtime's `crypto.subtle`
 * ({@link createWebCryptoProvider}); shares one key cache among all its connections.
 */
export const webCryptoProvider: CryptoProvider = /* @__PURE__ */ createWebCryptoProvider();
