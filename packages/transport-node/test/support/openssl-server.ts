import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, createServer } from 'node:net';

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

async function waitForListening(port: number, proc: ChildProcessWithoutNullStreams): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`openssl s_server exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('openssl s_server did not start listening');
}

/** Start `openssl s_server -tls1_3 -quiet` on a loopback port. */
export async function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  const port = await freePort();
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-tls1_3', '-quiet', '-cert', options.cert, '-key', options.key];
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
  await waitForListening(port, proc);
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
