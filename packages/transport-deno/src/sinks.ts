import { formatMessage, type MessageEvent } from '@rxtls/core';
import { denoFiles } from './deno-api.ts';
import type { KeylogOption, TraceOption } from './options.ts';

/**
 * Where key log lines go: the caller's function, or for `true` the file named by
 * `SSLKEYLOGFILE`, when the variable is set and this process may read it and write the file
 * (checked without prompting: a TLS library should not ask for permissions). Undefined: only
 * `keylog$` has the lines.
 */
export function keylogSink(option: KeylogOption | undefined): ((line: string) => void) | undefined {
  if (typeof option === 'function') return option;
  if (option !== true) return undefined;
  const deno = denoFiles();
  if (deno.permissions.querySync({ name: 'env', variable: 'SSLKEYLOGFILE' }).state !== 'granted') return undefined;
  const file = deno.env.get('SSLKEYLOGFILE');
  if (!file || deno.permissions.querySync({ name: 'write', path: file }).state !== 'granted') return undefined;
  return (line) => deno.writeTextFileSync(file, `${line}\n`, { append: true, mode: 0o600 });
}

/** Where message events go: the caller's function, or for `true` one line each on stderr. */
export function traceSink(option: TraceOption | undefined): ((event: MessageEvent) => void) | undefined {
  if (typeof option === 'function') return option;
  return option === true ? (event) => console.error(formatMessage(event)) : undefined;
}
