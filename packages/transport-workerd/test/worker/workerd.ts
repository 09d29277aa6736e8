import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort } from '../../../transport-node/test/support/openssl-server.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** The workerd binary of the `workerd` npm package. */
export const WORKERD = join(ROOT, 'node_modules/.bin/workerd');

/** The test Worker bundled as one ES module (rxtls, rxjs, noble, pkijs in it; `cloudflare:sockets` left to workerd). */
async function bundleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['workerd', 'worker', 'browser', 'import'],
    external: ['cloudflare:sockets'],
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * workerd's config: the Worker, and an outbound network that reaches loopback only (`local`).
 * This is the test's config alone: a Worker's default network reaches public addresses only.
 */
function config(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-01",
  globalOutbound = "loopback",
);
`;
}

/** A running workerd with the test Worker. */
export interface Workerd {
  readonly url: string;
  /** POST a job; the Worker's JSON answer. */
  run<T>(job: unknown): Promise<T>;
  stderr(): string;
  stop(): Promise<void>;
}

/** Bundle the Worker, write the config, start `workerd serve` and wait until it answers. */
export async function startWorkerd(): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), 'rxtls-workerd-'));
  writeFileSync(join(dir, 'worker.js'), await bundleWorker());
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), config(port));
  const child: ChildProcess = spawn(WORKERD, ['serve', join(dir, 'config.capnp'), '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(url, { method: 'POST', body: 'null' });
      break;
    } catch {
      if (i > 300) {
        await stop();
        throw new Error(`workerd did not start listening: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    run: async <T>(job: unknown): Promise<T> => {
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(job) });
      const text = await response.text();
      if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text}\n${stderr}`);
      return JSON.parse(text) as T;
    },
    stderr: () => stderr,
    stop,
  };
}
