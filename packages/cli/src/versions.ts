import type { TlsVersionName } from '@rxtls/core';
import { ArgsError } from './args.ts';

/** `TLSv1.2`, `TLSv1.3` (node:tls's names), also `1.2`, `tls1.2`, `tls1_2`, any case. */
function parseVersion(flag: string, value: string): TlsVersionName {
  const m = /^(?:tlsv?)?1[._]([23])$/i.exec(value.trim());
  if (!m) throw new ArgsError(`bad ${flag} "${value}" (TLSv1.2 or TLSv1.3)`);
  return m[1] === '2' ? 'TLSv1.2' : 'TLSv1.3';
}

/** `--min-version` / `--max-version` as config fields (only those given). */
export function versionOptions(min: string | undefined, max: string | undefined): { minVersion?: TlsVersionName; maxVersion?: TlsVersionName } {
  const out: { minVersion?: TlsVersionName; maxVersion?: TlsVersionName } = {};
  if (min !== undefined) out.minVersion = parseVersion('--min-version', min);
  if (max !== undefined) out.maxVersion = parseVersion('--max-version', max);
  if (out.minVersion === 'TLSv1.3' && out.maxVersion === 'TLSv1.2') throw new ArgsError('--min-version is above --max-version');
  return out;
}

/** The flags both commands take for versions. */
export const VERSION_FLAGS = { 'min-version': { type: 'string' }, 'max-version': { type: 'string' } } as const;
