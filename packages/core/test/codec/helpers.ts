import { expect } from 'vitest';
import fc from 'fast-check';
import { TlsError } from '../../src/errors/tls-error.ts';
import { concat } from '../../src/bytes/util.ts';

/** Run `fn` and return the TlsError it throws; fail the test if it returns or throws anything else. */
export function catchTlsError(fn: () => unknown): TlsError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) expect.fail('expected a TlsError, but the call returned');
  if (!(thrown instanceof TlsError)) expect.fail(`expected a TlsError, got ${String(thrown)}`);
  return thrown;
}

/** Assert that `fn` throws a TlsError carrying `alert` (and, if given, saying `messageIncludes`). */
export function expectAlert(fn: () => unknown, alert: string, messageIncludes?: string): TlsError {
  const e = catchTlsError(fn);
  expect(e.alertName).toBe(alert);
  expect(e.message.startsWith('tls: ')).toBe(true);
  if (messageIncludes !== undefined) expect(e.message).toContain(messageIncludes);
  return e;
}

/** Every strict prefix of `encoding` is rejected with decode_error. */
export function expectPrefixesRejected(decode: (b: Uint8Array) => unknown, encoding: Uint8Array): void {
  for (let n = 0; n < encoding.length; n++) {
    // A fresh copy, so a decoder cannot read past the prefix into the original buffer.
    const prefix = encoding.slice(0, n);
    const e = catchTlsError(() => decode(prefix));
    expect(e.alertName, `prefix of ${n}/${encoding.length} bytes`).toBe('decode_error');
  }
}

/** `encoding` followed by one or more extra bytes is rejected with decode_error. */
export function expectTrailingRejected(decode: (b: Uint8Array) => unknown, encoding: Uint8Array): void {
  for (const extra of [Uint8Array.of(0), Uint8Array.of(0xff, 0xff, 0xff, 0xff)]) {
    expectAlert(() => decode(concat(encoding, extra)), 'decode_error');
  }
}

/** Random bytes either decode or end in a TlsError, never any other exception. */
export function expectOnlyTlsErrors(decode: (b: Uint8Array) => unknown, seeds: readonly Uint8Array[] = [], numRuns = 300): void {
  // Mutations of valid encodings reach deeper than uniform random bytes.
  const mutated = fc
    .tuple(fc.constantFrom(...(seeds.length > 0 ? seeds : [new Uint8Array(0)])), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), fc.boolean())
    .map(([seed, edits, cut, doCut]) => {
      const b = seed.slice();
      for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
      return doCut && b.length > 0 ? b.subarray(0, cut % b.length) : b;
    });
  const arb = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated);
  fc.assert(
    fc.property(arb, (bytes) => {
      try {
        decode(bytes);
      } catch (e) {
        if (!(e instanceof TlsError)) throw e;
      }
    }),
    { numRuns },
  );
}
