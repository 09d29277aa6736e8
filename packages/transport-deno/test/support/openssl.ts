/**
 * `openssl s_server` and `s_client` as peers, spawned with `Deno.Command` (the Deno-side twin
 * of transport-node/test/support/openssl-server.ts).
 */
import { concat, sleep } from './bytes.ts';
import { Deno, type ChildProcess } from './deno.ts';

/** Collects a child's output stream as it arrives. */
class Collector {
  private readonly parts: Uint8Array[] = [];
  private total = 0;
  private waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
        this.parts.push(chunk);
        this.total += chunk.length;
        for (const w of this.waiters.splice(0)) w();
      }
      for (const w of this.waiters.splice(0)) w();
    })().catch(() => undefined);
  }

  get length(): number {
    return this.total;
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** Wait until `cond` holds on what arrived so far; fail after `ms`. */
  async until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

/** A running child with its stdin writer and collected stdout/stderr. */
export class Child {
  readonly stdout: Collector;
  readonly stderr: Collector;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(readonly process: ChildProcess) {
    this.stdout = new Collector(process.stdout);
    this.stderr = new Collector(process.stderr);
    this.writer = process.stdin.getWriter();
  }

  write(data: Uint8Array | string): Promise<void> {
    return this.writer.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  async closeStdin(): Promise<void> {
    await this.writer.close().catch(() => undefined);
  }

  /** Kill (SIGTERM unless told) and wait for the exit and the output. */
  async stop(signal = 'SIGTERM'): Promise<void> {
    try {
      this.process.kill(signal);
    } catch {
      // exited already
    }
    await this.process.status;
    await this.closeStdin();
    await Promise.all([this.stdout.done, this.stderr.done]);
  }
}

/** Spawn `command` with piped stdio. */
export function spawn(command: string, args: readonly string[], env?: Record<string, string>): Child {
  return new Child(new Deno.Command(command, { args, stdin: 'piped', stdout: 'piped', stderr: 'piped', ...(env ? { env } : {}) }).spawn());
}

/**
 * The port a process listens on, read from /proc: its socket inodes, then the LISTEN entry with
 * one of them in /proc/net/tcp. Unlike probing a port we picked, this cannot mistake another
 * test's listener for ours.
 */
function listeningPort(pid: number): number | undefined {
  const inodes = new Set<string>();
  try {
    for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`))?.[1];
        if (inode !== undefined) inodes.add(inode);
      } catch {
        // the fd closed meanwhile
      }
    }
  } catch {
    return undefined;
  }
  for (const line of Deno.readTextFileSync('/proc/net/tcp').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === '0A' && f[9] !== undefined && inodes.has(f[9])) return parseInt(f[1]!.split(':')[1]!, 16);
  }
  return undefined;
}

/** Wait until `child` listens; its port. */
export async function waitForListening(child: Child, what: string): Promise<number> {
  let exited = false;
  void child.process.status.then(() => (exited = true));
  for (let i = 0; i < 400; i++) {
    if (exited) throw new Error(`${what} exited: ${child.stderr.text()}`);
    const port = listeningPort(child.process.pid);
    if (port !== undefined) return port;
    await sleep(25);
  }
  throw new Error(`${what} did not start listening: ${child.stderr.text()}`);
}

export interface OpensslServerOptions {
  readonly cert: string;
  readonly key: string;
  /** Extra chain certificates (intermediates) to send. */
  readonly chain?: string;
  readonly groups?: string;
  readonly ciphersuites?: string;
  readonly alpn?: string;
  readonly extraArgs?: readonly string[];
  /** The version flag: '-tls1_3' (default) or '-tls1_2'. */
  readonly version?: '-tls1_3' | '-tls1_2';
}

/** A running `openssl s_server -tls1_3 -quiet`: stdin goes to the client, stdout is exactly what the client sent. */
export interface OpensslServer {
  readonly port: number;
  readonly child: Child;
}

/** Start `openssl s_server -tls1_3 -quiet` on a loopback port chosen by the kernel. */
export async function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  const args = ['s_server', '-accept', '127.0.0.1:0', options.version ?? '-tls1_3', '-quiet', '-cert', options.cert, '-key', options.key];
  if (options.chain) args.push('-cert_chain', options.chain);
  if (options.groups) args.push('-groups', options.groups);
  if (options.ciphersuites) args.push('-ciphersuites', options.ciphersuites);
  if (options.alpn) args.push('-alpn', options.alpn);
  args.push(...(options.extraArgs ?? []));
  const child = spawn('openssl', args);
  try {
    return { port: await waitForListening(child, 'openssl s_server'), child };
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  }
}
