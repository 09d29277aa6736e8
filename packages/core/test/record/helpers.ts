import { readFileSync } from 'node:fs';
import { gcm } from '@noble/ciphers/aes.js';
import { expect } from 'vitest';
import type { Aead } from '../../src/crypto/provider.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { parseRfc8448, type TraceStep } from '../../src/testing/rfc8448.ts';

/** An AES-GCM `Aead` straight from noble, independent of the crypto provider. */
export function aesGcm(key: Uint8Array): Aead {
  return {
    tagLength: 16,
    seal: (nonce, aad, plaintext) => gcm(key, nonce, aad).encrypt(plaintext),
    open: (nonce, aad, ciphertext) => {
      try {
        return gcm(key, nonce, aad).decrypt(ciphertext);
      } catch {
        return null;
      }
    },
  };
}

let steps: TraceStep[] | undefined;
/** The RFC 8448 trace steps. */
export function rfc8448(): TraceStep[] {
  steps ??= parseRfc8448(readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8'));
  return steps;
}

/** Expect `fn` to throw a TlsError with alert `alert`. */
export function expectAlert(fn: () => unknown, alert: string): TlsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TlsError);
  expect((caught as TlsError).alertName).toBe(alert);
  return caught as TlsError;
}
