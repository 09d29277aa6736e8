import { randomBytes } from '@noble/hashes/utils.js';
import type { CryptoProvider } from '../provider.ts';
import { createNobleAead } from './aead.ts';
import { createNobleHash, nobleHkdfExpand, nobleHkdfExtract, nobleHmac } from './hash.ts';
import { generateNobleKeyPair } from './key-exchange.ts';
import { nobleSign } from './sign.ts';
import { nobleVerify } from './verify.ts';

export { keyPairFromPrivateKey } from './key-exchange.ts';

/**
 * The default crypto provider: pure TypeScript from @noble/hashes, @noble/ciphers and
 * @noble/curves, with RSA verification on BigInt. Synchronous, except RSA signing: a private
 * RSA operation on BigInt would leak the key through its timing, so `sign` hands RSA to the
 * runtime's WebCrypto and returns a Promise (and throws `UsageError` where there is none).
 */
export const nobleProvider: CryptoProvider = {
  name: 'noble',
  randomBytes: (length) => randomBytes(length),
  createHash: createNobleHash,
  hmac: nobleHmac,
  hkdfExtract: nobleHkdfExtract,
  hkdfExpand: nobleHkdfExpand,
  createAead: createNobleAead,
  keyExchangeGroups: ['x25519', 'secp256r1', 'secp384r1'],
  generateKeyPair: (group) => generateNobleKeyPair(group, randomBytes),
  verify: nobleVerify,
  sign: nobleSign,
};
