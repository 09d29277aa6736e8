import { UsageError } from '../errors/tls-error.ts';
import { CipherSuite, ProtocolVersion } from '../codec/enums.ts';
import { TLS12_CIPHER_SUITES } from '../crypto/suites12.ts';
import { getCipherSuite } from '../crypto/suites.ts';

/** The protocol versions rxtls speaks, by node:tls's names. */
export type TlsVersionName = 'TLSv1.2' | 'TLSv1.3';

/** The TLS 1.2 suites (RFC 5289, RFC 7905), by their IANA names. */
export type CipherSuite12Name =
  | 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'
  | 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'
  | 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'
  | 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'
  | 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'
  | 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256';

const VERSION_CODES: Readonly<Record<TlsVersionName, number>> = { 'TLSv1.2': ProtocolVersion.TLS1_2, 'TLSv1.3': ProtocolVersion.TLS1_3 };

/** The versions a context allows: code points, `min <= max`. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** `minVersion`/`maxVersion` (defaults: both versions), checked. */
export function resolveVersionRange(minVersion: TlsVersionName | undefined, maxVersion: TlsVersionName | undefined): VersionRange {
  const code = (name: string, what: string): number => {
    const v = VERSION_CODES[name as TlsVersionName];
    if (v === undefined) throw new UsageError(`${what} must be 'TLSv1.2' or 'TLSv1.3', not ${JSON.stringify(name)}`);
    return v;
  };
  const min = code(minVersion ?? 'TLSv1.2', 'minVersion');
  const max = code(maxVersion ?? 'TLSv1.3', 'maxVersion');
  if (min > max) throw new UsageError(`minVersion ${minVersion} is above maxVersion ${maxVersion}`);
  return { min, max };
}

/** Whether the range allows `version`. */
export function allows(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

/** A version range in words, for error messages: "TLSv1.2–TLSv1.3". */
export function describeRange(range: VersionRange): string {
  const name = (v: number): string => (v === ProtocolVersion.TLS1_3 ? 'TLSv1.3' : 'TLSv1.2');
  return range.min === range.max ? `only ${name(range.min)}` : `${name(range.min)} to ${name(range.max)}`;
}

/**
 * One `cipherSuites` list names suites of both versions; each version takes its own names, in
 * order, and a version the list names none of keeps its defaults. Returns code points.
 */
export function splitCipherSuites(names: readonly string[] | undefined, defaults13: readonly string[]): { tls13: number[]; tls12: number[] } {
  const list = names ?? [];
  if (names !== undefined && list.length === 0) throw new UsageError('cipherSuites is empty');
  if (new Set(list).size !== list.length) throw new UsageError('cipherSuites lists an entry twice');
  const codes = list.map((n) => {
    const v = (CipherSuite as Record<string, number>)[n];
    if (v === undefined || (getCipherSuite(v) === undefined && !TLS12_CIPHER_SUITES.some((s) => s.id === v))) throw new UsageError(`unknown cipher suite "${n}"`);
    return v;
  });
  const tls13 = codes.filter((c) => getCipherSuite(c) !== undefined);
  const tls12 = codes.filter((c) => TLS12_CIPHER_SUITES.some((s) => s.id === c));
  return {
    tls13: tls13.length > 0 ? tls13 : defaults13.map((n) => (CipherSuite as Record<string, number>)[n]!),
    tls12: tls12.length > 0 ? tls12 : TLS12_CIPHER_SUITES.map((s) => s.id),
  };
}
