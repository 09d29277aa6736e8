import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { freePort, waitForListening } from './openssl-server.ts';

/** Whether GnuTLS's tools are installed (`gnutls-bin`; .ci/run installs it). */
export const haveGnutls = ((): boolean => {
  try {
    execFileSync('gnutls-cli', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A running `gnutls-serv --echo` on a loopback port. */
export interface GnutlsServer {
  readonly port: number;
  readonly process: ChildProcessWithoutNullStreams;
  output(): string;
  stop(): Promise<void>;
}

/** Start `gnutls-serv --echo` with a certificate chain file, a key and a priority string. */
export async function startGnutlsServer(options: { readonly chainFile: string; readonly keyFile: string; readonly priority: string; readonly args?: readonly string[] }): Promise<GnutlsServer> {
  // gnutls-serv cannot be asked for port 0; a free port is picked and its listener then read back.
  const port = await freePort();
  // -a: no certificate request, unless the caller asks for client certificates.
  const noClientCert = options.args?.includes('--require-client-cert') ? [] : ['-a'];
  const proc = spawn('gnutls-serv', ['--echo', ...noClientCert, '-p', String(port), '--x509certfile', options.chainFile, '--x509keyfile', options.keyFile, '--priority', options.priority, ...(options.args ?? [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const listening = await waitForListening(proc);
  return {
    port: listening,
    process: proc,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill();
      }),
  };
}

/**
 * `gnutls-cli` to a loopback port with `priority`: send `text` (lines), collect as many bytes
 * back (an echo server), then end. Returns what came back and everything it printed on stderr.
 */
export async function gnutlsCli(port: number, options: { readonly caFile: string; readonly priority: string; readonly args?: readonly string[] }, text: string): Promise<{ echoed: string; log: string }> {
  const args = ['-p', String(port), '--x509cafile', options.caFile, '--priority', options.priority, ...(options.args ?? []), 'localhost'];
  const child = spawn('gnutls-cli', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const parts: string[] = [];
  let length = 0;
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const tail = text.slice(-64);
  let last = '';
  const done = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const piece = d.toString();
      parts.push(piece);
      length += piece.length;
      // Cheap test per chunk (the text's end has arrived); the whole text is compared by the caller.
      last = (last + piece).slice(-tail.length);
      if (length >= text.length && last === tail) resolve();
    });
    child.on('exit', (code) => (parts.join('').includes(text) ? resolve() : reject(new Error(`gnutls-cli exited ${code}: ${log}\n${parts.join('').slice(0, 2000)}`))));
  });
  child.stdin.write(text);
  await done;
  child.kill();
  return { echoed: parts.join(''), log };
}
