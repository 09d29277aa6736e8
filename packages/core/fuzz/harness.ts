/**
 * What every fuzz target holds to: untrusted bytes end in a typed error (`TlsError`, which
 * `CertificateError` is, or `TransportError` for the engine), never in any other exception.
 * Anything else escapes the target, and Jazzer reports it as a finding.
 */
import { TlsError, TransportError } from '../src/index.ts';

/** Rethrow `e` unless it is one of the typed errors untrusted input may cause. */
function rethrowUntyped(e: unknown): void {
  if (!(e instanceof TlsError || e instanceof TransportError)) throw e;
}

/** Run `body`; swallow the typed errors untrusted input may cause, rethrow everything else. */
export function expectTyped(body: () => void): void {
  try {
    body();
  } catch (e) {
    rethrowUntyped(e);
  }
}

/** The async form of {@link expectTyped}. */
export async function expectTypedAsync(body: () => Promise<unknown>): Promise<void> {
  await body().catch(rethrowUntyped);
}

/**
 * Cut `data` into chunks whose sizes come from its first byte (1..256 bytes, or all at once
 * for 0): any split of the input must give the same outcome, so the split is fuzzed too.
 */
export function chunks(data: Uint8Array): Uint8Array[] {
  if (data.length === 0) return [];
  const size = data[0]!;
  const rest = data.subarray(1);
  if (size === 0) return [rest];
  const out: Uint8Array[] = [];
  for (let at = 0; at < rest.length; at += size) out.push(rest.subarray(at, at + size));
  return out;
}
