import { denoFiles } from './deno-api.ts';

/**
 * `keylog: true` on Deno: append to the file named by `SSLKEYLOGFILE`, when the variable is set
 * and this process may read it and write the file (checked without prompting: a TLS library
 * should not ask for permissions). Undefined otherwise: only `keylog$` has the lines.
 */
export function keylogFile(): ((line: string) => void) | undefined {
  const deno = denoFiles();
  if (deno.permissions.querySync({ name: 'env', variable: 'SSLKEYLOGFILE' }).state !== 'granted') return undefined;
  const file = deno.env.get('SSLKEYLOGFILE');
  if (!file || deno.permissions.querySync({ name: 'write', path: file }).state !== 'granted') return undefined;
  return (line) => deno.writeTextFileSync(file, `${line}\n`, { append: true, mode: 0o600 });
}
