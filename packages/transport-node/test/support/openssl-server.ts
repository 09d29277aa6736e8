import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** A running `openssl s_server -quiet`: its stdout is exactly the bytes clients sent. */
export interface OpensslServer {
  readonly port: number;
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything the server received from clients so far. */
  received(): Buffer;
  /** Wait until at least `n` bytes arrived. */
  waitForReceived(n: number, timeoutMs?: number): Promise<Buffer>;
  stderr(): string;
  stop(): Promise<void>;
}

export interface OpensslServerOptions {
  readonly cert: string;
  readonly key: string;
  /** Extra chain certificates (intermediates) to send. */
  readonly chain?: string;
  readonly groups?: string;
  readonly ciphersuites?: string;
  readonly alpn?: string;
  readonly keylogFile?: string;
  readonly extraArgs?: readonly string[];
  /** The version flag: '-tls1_3' (default), '-tls1_2', or none (both versions). */
  readonly version?: '-tls1_3' | '-tls1_2' | 'any';
  /** Leave out -quiet: stdin lines are s_server commands (R: renegotiate) and stdout is its chatter. */
  readonly interactive?: boolean;
}

/** A free loopback port (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The port a process listens on, read from /proc: its socket inodes, then the LISTEN entry
 * with one of them in /proc/net/tcp. Unlike probing a port we picked, this cannot mistake
 * another test's listener for ours.
 */
function listeningPort(pid: number): number | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((x): x is string => x !== undefined),
    );
  } catch {
    return undefined;
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === '0A' && f[9] !== undefined && inodes.has(f[9])) return parseInt(f[1]!.split(':')[1]!, 16);
  }
  return undefined;
}

/** The port a child process starts listening on (it fails if the process exits first). */
export async function waitForListening(proc: ChildProcessWithoutNullStreams): Promise<number> {
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`${proc.spawnfile} exited with ${proc.exitCode}`);
    const port = proc.pid === undefined ? undefined : listeningPort(proc.pid);
    if (port !== undefined) return port;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${proc.spawnfile} did not start listening`);
}

/** Start `openssl s_server -tls1_3 -quiet` (or the version asked for) on a loopback port. */
export async function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  const version = options.version ?? '-tls1_3';
  const args = ['s_server', '-accept', '127.0.0.1:0', ...(version === 'any' ? [] : [version]), ...(options.interactive ? [] : ['-quiet']), '-cert', options.cert, '-key', options.key];
  if (options.chain) args.push('-cert_chain', options.chain);
  if (options.groups) args.push('-groups', options.groups);
  if (options.ciphersuites) args.push('-ciphersuites', options.ciphersuites);
  if (options.alpn) args.push('-alpn', options.alpn);
  if (options.keylogFile) args.push('-keylogfile', options.keylogFile);
  args.push(...(options.extraArgs ?? []));
  const proc = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let received = 0;
  let err = '';
  const waiters: (() => void)[] = [];
  proc.stdout.on('data', (d: Buffer) => {
    chunks.push(d);
    received += d.length;
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const port = await waitForListening(proc);
  const all = (): Buffer => Buffer.concat(chunks);
  return {
    port,
    process: proc,
    received: all,
    stderr: () => err,
    waitForReceived: async (n, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received < n) {
        if (Date.now() > deadline) throw new Error(`openssl s_server received ${received} of ${n} bytes`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return all();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill();
      }),
  };
}
