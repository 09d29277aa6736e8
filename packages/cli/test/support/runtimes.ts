// The CLI as a child process on each runtime: `pnpm rxtls` (Node, through tsx), `pnpm rxtls-deno`
// (Deno, with transport-deno's config) and `pnpm rxtls-bun` (Bun runs transport-node's CLI as it
// is), so a test can run one scenario on all three.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** How to start the CLI on one runtime. */
export interface Runtime {
  readonly name: 'node' | 'deno' | 'bun';
  readonly command: string;
  readonly args: readonly string[];
  /** Why this runtime cannot run here (its tests are skipped), if it cannot. */
  readonly problem: string | undefined;
}

/**
 * The Deno binary itself rather than `node_modules/.bin/deno`, a shim that runs it under Node:
 * a signal sent to the shim would not reach Deno (serve's SIGTERM test needs it to).
 */
function denoBinary(): string {
  const direct = join(ROOT, 'node_modules/deno/deno');
  const shim = join(ROOT, 'node_modules/.bin/deno');
  // On a fresh install the binary appears when the shim first runs (the package's install step).
  if (!existsSync(direct) && existsSync(shim)) spawnSync(shim, ['--version'], { timeout: 60_000 });
  return existsSync(direct) ? direct : shim;
}

function denoProblem(command: string): string | undefined {
  if (!existsSync(command)) return `no ${command}: run pnpm install at the repository root`;
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `deno --version failed: ${r.error?.message ?? r.stderr}`;
}

const DENO = denoBinary();

/** The Bun binary of the `bun` npm package (its install step links the platform's binary there). */
const BUN = join(ROOT, 'node_modules/bun/bin/bun.exe');

function bunProblem(command: string): string | undefined {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `bun --version failed: ${r.error?.message ?? r.stderr}`;
}

/** Node (tsx, as `pnpm rxtls`), Deno (as `pnpm rxtls-deno`) and Bun (as `pnpm rxtls-bun`), the same flags. */
export const RUNTIMES: readonly Runtime[] = [
  { name: 'node', command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'packages/transport-node/src/cli/main.ts')], problem: undefined },
  {
    name: 'deno',
    command: DENO,
    args: ['run', '--config', join(ROOT, 'packages/transport-deno/deno.json'), '--allow-net', '--allow-read', '--allow-write', join(ROOT, 'packages/transport-deno/src/cli/main.ts')],
    // In CI a missing Deno is a failure, not a skip.
    problem: process.env['CI'] ? undefined : denoProblem(DENO),
  },
  // Bun runs transport-node's CLI unchanged, through its node:net and node:crypto.
  { name: 'bun', command: BUN, args: [join(ROOT, 'packages/transport-node/src/cli/main.ts')], problem: process.env['CI'] ? undefined : bunProblem(BUN) },
];
for (const r of RUNTIMES) if (r.problem !== undefined) console.warn(`SKIPPED the CLI on ${r.name}: ${r.problem}`);

const ENV = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };

export interface RunResult {
  code: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** Keep stdin open until stdout shows this text (so our close_notify cannot overtake the peer's data)... */
  readonly endAfter?: string;
  /** ... or until stdout holds this many bytes. */
  readonly endAfterBytes?: number;
  /** Then kill the child instead of ending its stdin. */
  readonly kill?: boolean;
}

/** Run a command to completion, feeding it `stdin`. */
export function run(command: string, args: readonly string[], stdin: string | Uint8Array, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outLength = 0;
    let stdout = '';
    let stderr = '';
    let ended = false;
    const waiting = options.endAfter !== undefined || options.endAfterBytes !== undefined;
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      outLength += d.length;
      stdout += d.toString();
      const reached = (options.endAfter !== undefined && stdout.includes(options.endAfter)) || (options.endAfterBytes !== undefined && outLength >= options.endAfterBytes);
      if (waiting && !ended && reached) {
        ended = true;
        if (options.kill === true) child.kill();
        else child.stdin.end();
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // the child may exit before reading all of it
    child.on('close', (code) => resolve({ code, stdout, stdoutBytes: Buffer.concat(out), stderr }));
    if (waiting) child.stdin.write(stdin);
    else child.stdin.end(stdin);
  });
}

/** Run `rxtls ARGS` on `runtime`. */
export function rxtls(runtime: Runtime, args: readonly string[], stdin: string | Uint8Array = '', options: RunOptions = {}): Promise<RunResult> {
  return run(runtime.command, [...runtime.args, ...args], stdin, options);
}

/** A running `rxtls serve`. */
export interface Serve {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** Wait (up to 2 s) until stderr matches: the server logs from another process. */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Start `rxtls serve --port 0 ARGS` on `runtime` and wait for its `ACCEPT host:port` line. */
export async function serve(runtime: Runtime, args: readonly string[]): Promise<Serve> {
  const child = spawn(runtime.command, [...runtime.args, 'serve', '--port', '0', ...args], { cwd: ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /^ACCEPT 127\.0\.0\.1:(\d+)$/m.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`rxtls serve exited ${code}: ${stderr}`)));
  });
  return {
    child,
    port,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr: async (pattern) => {
      for (let i = 0; i < 100 && !pattern.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
      return stderr;
    },
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      return ((await exited) as [number | null])[0];
    },
  };
}
