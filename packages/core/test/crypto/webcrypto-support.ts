// Shared by the WebCrypto provider tests: the runtime's SubtleCrypto, typed as ours, and a
// wrapper that counts calls and can pretend an algorithm is missing (as on older runtimes).
import type { WebCryptoSubtle } from '../../src/crypto/webcrypto/subtle.ts';

export const realSubtle: WebCryptoSubtle = globalThis.crypto.subtle;

/** The algorithm name a WebCrypto call names (its `name` member or the string itself). */
function algorithmName(algorithm: unknown): string {
  return typeof algorithm === 'string' ? algorithm : String((algorithm as { name?: unknown }).name);
}

/** A SubtleCrypto that forwards to the real one, counts calls per method and algorithm, and rejects the names in `missing` with NotSupportedError. */
export function countingSubtle(missing: readonly string[] = []): WebCryptoSubtle & { readonly calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const count = (method: string, algorithm: unknown): void => {
    const key = `${method} ${algorithmName(algorithm)}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  };
  const refuse = (algorithm: unknown): Promise<never> | undefined =>
    missing.includes(algorithmName(algorithm)) ? Promise.reject(new DOMException(`Unrecognized algorithm name ${algorithmName(algorithm)}`, 'NotSupportedError')) : undefined;
  const subtle: WebCryptoSubtle = {
    generateKey: (algorithm, extractable, usages) => (count('generateKey', algorithm), refuse(algorithm) ?? realSubtle.generateKey(algorithm, extractable, usages)),
    importKey: ((format: 'raw', data: Uint8Array, algorithm: { name: string }, extractable: boolean, usages: ['verify']) =>
      (count('importKey', algorithm), refuse(algorithm) ?? realSubtle.importKey(format, data, algorithm, extractable, usages))) as WebCryptoSubtle['importKey'],
    exportKey: ((format: 'raw', key: Parameters<WebCryptoSubtle['deriveBits']>[1]) => realSubtle.exportKey(format, key)) as WebCryptoSubtle['exportKey'],
    deriveBits: (algorithm, key, length) => (count('deriveBits', algorithm), realSubtle.deriveBits(algorithm, key, length)),
    verify: (algorithm, key, signature, data) => (count('verify', algorithm), refuse(algorithm) ?? realSubtle.verify(algorithm, key, signature, data)),
  };
  return Object.assign(subtle, { calls });
}

/** Whether `value` is a promise (the engine reports WANT_ASYNC for those). */
export function isPromise(value: unknown): boolean {
  return value instanceof Promise;
}
