/**
 * `pnpm stress`: hostile peers against an rxtls server and a node:tls server, side by side.
 * Not a test: it prints what happened, for docs/reliability.md.
 *
 *   pnpm stress                 every attack, both servers
 *   pnpm stress garbage idle    some attacks
 *   pnpm stress --json          the rows as JSON
 *
 * Each attack gets a fresh server process (stress/server.ts: its event loop, CPU and memory are
 * measured alone) and a well-behaved client in a third process (stress/probe.ts: a node:tls
 * handshake every 50 ms). Both servers use the same certificate and a 10 s handshake timeout.
 * Per attack and server it prints: the worst event-loop stall, the server's CPU time, its RSS
 * growth per attacking connection while they are held (after a GC), how connections ended
 * (the server's own account: alert sent, timeout, close), what the attacker saw (alerts,
 * closed, still open), and the good client's handshake latency during the attack.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ATTACKS, warmUpErrorPaths, type AttackOutcome } from './attacks.ts';
import type { Report } from './server.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '../../..');
const HANDSHAKE_TIMEOUT_MS = 10_000;

interface Row {
  readonly attack: string;
  readonly server: 'rxtls' | 'node';
  readonly stallMs: number;
  readonly cpuMs: number;
  readonly rssPerConnectionKiB: number;
  readonly rssGrowthMiB: number;
  /** Heap in use plus external memory, growth per attacking connection, after a GC. */
  readonly heldPerConnectionKiB: number;
  readonly ends: Record<string, number>;
  readonly outcome: AttackOutcome;
  readonly probe: { readonly count: number; readonly medianMs: number; readonly maxMs: number; readonly failures: number };
}

/**
 * The server runs as plain JavaScript, bundled by esbuild, as a deployment would run it: under
 * tsx every Error's stack goes through source maps, which Node's stream destroy() touches, and
 * that alone cost an rxtls server 0.14 ms per refused connection.
 */
async function bundleServer(): Promise<string> {
  const outfile = join(ROOT, '.tmp/stress/server.mjs');
  await build({
    entryPoints: [`${HERE}server.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS dependencies (pkijs's) call require() inside an ES module bundle.
    banner: { js: "import { createRequire as __rxtlsCreateRequire } from 'node:module'; const require = __rxtlsCreateRequire(import.meta.url);" },
  });
  return outfile;
}

let serverBundle: string | undefined;

function child(file: string, args: string[]): ChildProcess {
  if (file === 'server.ts') {
    // RXTLS_STRESS_PROF=DIR: CPU profiles of the server processes, for finding what a stall is made of.
    const prof = process.env['RXTLS_STRESS_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['RXTLS_STRESS_PROF']}`] : [];
    return fork(serverBundle!, args, { execArgv: ['--expose-gc', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  return fork(`${HERE}${file}`, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function request<T>(proc: ChildProcess, msg: object, reply: string): Promise<T> {
  const answer = new Promise<T>((resolve) => {
    const on = (m: { cmd: string }): void => {
      if (m.cmd !== reply) return;
      proc.off('message', on);
      resolve(m as T);
    };
    proc.on('message', on);
  });
  proc.send(msg);
  return answer;
}

async function waitFor<T>(proc: ChildProcess, cmd: string): Promise<T> {
  for (;;) {
    const [m] = (await once(proc, 'message')) as [{ cmd: string }];
    if (m.cmd === cmd) return m as T;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function runOne(attack: (typeof ATTACKS)[number], server: 'rxtls' | 'node', probe: ChildProcess): Promise<Row> {
  const proc = child('server.ts', [server, String(HANDSHAKE_TIMEOUT_MS)]);
  try {
    const { port } = await waitFor<{ port: number }>(proc, 'listening');
    // Warm up (module loading, JIT) before measuring: a few handshakes by the probe, and the
    // error paths (a refused connection), so no first-use cost lands in an attack's numbers.
    probe.send({ cmd: 'start', port });
    await warmUpErrorPaths(port);
    await new Promise((r) => setTimeout(r, 1500));
    await request(probe, { cmd: 'stop' }, 'stopped');
    await request(proc, { cmd: 'reset' }, 'reset');
    let heldReport: Report | undefined;
    probe.send({ cmd: 'start', port });
    const outcome = await attack.run({
      port,
      held: async () => {
        heldReport = (await request<{ report: Report }>(proc, { cmd: 'report', gc: true }, 'report')).report;
      },
    });
    const { latencies, failures } = await request<{ latencies: number[]; failures: number }>(probe, { cmd: 'stop' }, 'stopped');
    const final = (await request<{ report: Report }>(proc, { cmd: 'report' }, 'report')).report;
    const held = heldReport ?? final;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      attack: attack.name,
      server,
      stallMs: final.stallMs,
      cpuMs: final.cpuMs,
      rssPerConnectionKiB: Math.max(0, held.rssBytes - held.rssAtResetBytes) / 1024 / outcome.connections,
      rssGrowthMiB: Math.max(0, held.rssBytes - held.rssAtResetBytes) / 1024 / 1024,
      heldPerConnectionKiB: Math.max(0, held.heldBytes - held.heldAtResetBytes) / 1024 / outcome.connections,
      ends: final.ends,
      outcome,
      probe: { count: latencies.length, medianMs: percentile(sorted, 0.5), maxMs: sorted.at(-1) ?? NaN, failures },
    };
  } finally {
    proc.kill('SIGINT'); // lets --cpu-prof write its profile
    await once(proc, 'exit').catch(() => undefined);
  }
}

function endsText(ends: Record<string, number>): string {
  return Object.entries(ends)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

function print(row: Row): void {
  const o = row.outcome;
  console.log(
    [
      row.attack.padEnd(16),
      row.server.padEnd(6),
      `stall ${row.stallMs.toFixed(0).padStart(5)} ms`,
      `cpu ${row.cpuMs.toFixed(0).padStart(6)} ms`,
      `rss +${row.rssGrowthMiB.toFixed(1).padStart(5)} MiB, ${row.rssPerConnectionKiB.toFixed(1).padStart(6)} KiB/conn (heap+external ${row.heldPerConnectionKiB.toFixed(1)} KiB/conn)`,
      `good client p50 ${row.probe.medianMs.toFixed(1)} ms max ${row.probe.maxMs.toFixed(1)} ms (${row.probe.count} ok, ${row.probe.failures} failed)`,
      `attacker: ${o.connections} conn, ${o.alerts} plaintext alerts, ${o.closed} closed, ${o.stillOpen} still open`,
      `server: ${endsText(row.ends) || '-'}`,
    ].join(' | '),
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const names = argv.filter((a) => !a.startsWith('--'));
  const attacks = names.length > 0 ? ATTACKS.filter((a) => names.includes(a.name)) : ATTACKS;
  if (attacks.length === 0) throw new Error(`no such attack (${ATTACKS.map((a) => a.name).join(', ')})`);
  serverBundle = await bundleServer();
  const probe = child('probe.ts', []);
  await waitFor(probe, 'ready');
  const rows: Row[] = [];
  try {
    for (const attack of attacks) {
      if (!json) console.log(`\n## ${attack.name}: ${attack.description}`);
      for (const server of ['rxtls', 'node'] as const) {
        const row = await runOne(attack, server, probe);
        rows.push(row);
        if (!json) print(row);
      }
    }
  } finally {
    probe.kill();
  }
  if (json) console.log(JSON.stringify(rows, null, 2));
}

await main();
