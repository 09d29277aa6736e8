import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { UsageError } from '../../errors/tls-error.ts';
import type { Aead, AeadAlgorithm } from '../provider.ts';

const KEY_LENGTH: Record<AeadAlgorithm, number> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'CHACHA20-POLY1305': 32 };

/** An AEAD bound to one key, over @noble/ciphers. */
class NobleAead implements Aead {
  readonly tagLength = 16;
  constructor(
    private readonly construct: typeof gcm | typeof chacha20poly1305,
    private readonly key: Uint8Array,
  ) {}

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.construct(this.key, nonce, aad).encrypt(plaintext);
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
    if (ciphertextAndTag.length < this.tagLength) return null;
    try {
      return this.construct(this.key, nonce, aad).decrypt(ciphertextAndTag);
    } catch {
      return null; // authentication failed
    }
  }
}

export function createNobleAead(algorithm: AeadAlgorithm, key: Uint8Array): Aead {
  if (key.length !== KEY_LENGTH[algorithm]) throw new UsageError(`${algorithm} needs a ${KEY_LENGTH[algorithm]}-byte key`);
  return new NobleAead(algorithm === 'CHACHA20-POLY1305' ? chacha20poly1305 : gcm, key.slice());
}
