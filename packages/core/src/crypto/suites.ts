import { CipherSuite } from '../codec/enums.ts';
import type { AeadAlgorithm, HashAlgorithm } from './provider.ts';

/** What a TLS 1.3 cipher suite fixes: the AEAD and the HKDF hash (RFC 8446 §B.4). */
export interface CipherSuiteParams {
  readonly id: number;
  readonly name: string;
  readonly hash: HashAlgorithm;
  readonly hashLength: number;
  readonly aead: AeadAlgorithm;
  readonly keyLength: number;
  readonly ivLength: number;
}

/** The three TLS 1.3 suites rxtls implements. */
export const TLS13_CIPHER_SUITES: readonly CipherSuiteParams[] = [
  { id: CipherSuite.TLS_AES_128_GCM_SHA256, name: 'TLS_AES_128_GCM_SHA256', hash: 'SHA-256', hashLength: 32, aead: 'AES-128-GCM', keyLength: 16, ivLength: 12 },
  { id: CipherSuite.TLS_AES_256_GCM_SHA384, name: 'TLS_AES_256_GCM_SHA384', hash: 'SHA-384', hashLength: 48, aead: 'AES-256-GCM', keyLength: 32, ivLength: 12 },
  { id: CipherSuite.TLS_CHACHA20_POLY1305_SHA256, name: 'TLS_CHACHA20_POLY1305_SHA256', hash: 'SHA-256', hashLength: 32, aead: 'CHACHA20-POLY1305', keyLength: 32, ivLength: 12 },
];

/** The suite with code point `id`, if we implement it. */
export function getCipherSuite(id: number): CipherSuiteParams | undefined {
  return TLS13_CIPHER_SUITES.find((s) => s.id === id);
}
