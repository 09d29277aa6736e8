/**
 * Coverage-guided fuzzing with Jazzer.js (libFuzzer):
 *   pnpm fuzz                       every target, 60 s each, the corpus kept in .tmp/fuzz
 *   pnpm fuzz --time 600 engine     one target, 10 minutes
 *   pnpm fuzz --time 10 --fresh     what CI runs: from the committed seeds only
 *
 * Each target (fuzz/targets/*.ts) is bundled with esbuild into one CommonJS file, so that
 * Jazzer instruments core and its dependencies as they run. The committed seeds
 * (fuzz/corpus/<target>) are copied into the working corpus (.tmp/fuzz/corpus/<target>),
 * which grows across runs. A finding is written to .tmp/fuzz/findings/ and the run fails: add
 * the input to fuzz/regressions/<target>/ (test/fuzz/corpus.test.ts replays it) and fix the bug.
 * Prints, per target, executions, time, coverage (libFuzzer's cov/ft) and corpus size;
 * RXTLS_FUZZ_LOG=1 also prints the tail of Jazzer's own output for each target.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ensureJazzerLoads } from './jazzer-glibc.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../../..');
const WORK = join(ROOT, '.tmp/fuzz');
/** Targets whose fuzz function is async (Jazzer awaits them; the others run in --sync mode). */
const ASYNC_TARGETS = new Set(['x509']);

interface Result {
  readonly target: string;
  readonly runs: number;
  readonly seconds: number;
  readonly coverage: number;
  readonly features: number;
  readonly corpus: number;
  readonly ok: boolean;
}

function parseArgs(argv: readonly string[]): { time: number; fresh: boolean; targets: string[] } {
  let time = 60;
  let fresh = false;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--time') time = Number(argv[++i]);
    else if (a === '--fresh') fresh = true;
    else targets.push(a);
  }
  if (!(time > 0)) throw new Error('--time SECONDS must be positive');
  const all = readdirSync(join(HERE, 'targets')).map((f) => f.replace(/\.ts$/, ''));
  for (const t of targets) if (!all.includes(t)) throw new Error(`unknown target ${t} (${all.join(', ')})`);
  return { time, fresh, targets: targets.length > 0 ? targets : all };
}

async function bundle(target: string): Promise<string> {
  const outfile = join(WORK, 'bundles', `${target}.cjs`);
  await build({ entryPoints: [join(HERE, 'targets', `${target}.ts`)], outfile, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error' });
  return outfile;
}

function jazzerBin(): string {
  const pkg = createRequire(import.meta.url).resolve('@jazzer.js/core/package.json');
  return join(dirname(pkg), 'dist', 'cli.js');
}

function runJazzer(target: string, bundlePath: string, corpus: string, seconds: number): Promise<Result> {
  const findings = join(WORK, 'findings');
  mkdirSync(findings, { recursive: true });
  const args = [
    jazzerBin(),
    bundlePath,
    corpus,
    ...(ASYNC_TARGETS.has(target) ? [] : ['--sync']),
    '--',
    `-max_total_time=${seconds}`,
    '-timeout=10', // one input taking 10 s is a hang: a finding
    '-rss_limit_mb=2048',
    `-artifact_prefix=${join(findings, `${target}-`)}`,
    '-print_final_stats=1',
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const collect = (d: Buffer): void => {
      log += d.toString();
      if (log.length > 1_000_000) log = log.slice(-200_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => {
      const done = /Done (\d+) runs in (\d+) second/.exec(log);
      const stats = [...log.matchAll(/cov: (\d+) ft: (\d+) corp: (\d+)/g)].at(-1);
      const ok = code === 0;
      if (process.env['RXTLS_FUZZ_LOG']) process.stderr.write(log.slice(-3000));
      if (!ok) process.stderr.write(`--- ${target}: jazzer exited ${code}; its last output:\n${log.slice(-4000)}\n`);
      resolve({
        target,
        // stdout and stderr interleave: take the count from whichever line survived.
        runs: Number(/#(\d+)\s+DONE/.exec(log)?.[1] ?? done?.[1] ?? /stat::number_of_executed_units: (\d+)/.exec(log)?.[1] ?? 0),
        seconds: Number(done?.[2] ?? seconds),
        coverage: Number(stats?.[1] ?? 0),
        features: Number(stats?.[2] ?? 0),
        corpus: Number(stats?.[3] ?? 0),
        ok,
      });
    });
  });
}

async function main(): Promise<void> {
  const { time, fresh, targets } = parseArgs(process.argv.slice(2));
  console.log(`jazzer: ${ensureJazzerLoads()}`);
  const results: Result[] = [];
  for (const target of targets) {
    const corpus = join(WORK, 'corpus', target);
    if (fresh) rmSync(corpus, { recursive: true, force: true });
    mkdirSync(corpus, { recursive: true });
    const seeds = join(HERE, 'corpus', target);
    if (existsSync(seeds)) cpSync(seeds, corpus, { recursive: true });
    const bundlePath = await bundle(target);
    const result = await runJazzer(target, bundlePath, corpus, time);
    results.push(result);
    console.log(`${target.padEnd(20)} ${result.ok ? 'ok     ' : 'FINDING'} ${String(result.runs).padStart(10)} runs in ${result.seconds} s  cov ${result.coverage}  ft ${result.features}  corpus ${result.corpus}`);
  }
  const total = results.reduce((n, r) => n + r.runs, 0);
  console.log(`fuzz: ${total} executions across ${results.length} targets; ${results.filter((r) => !r.ok).length} with findings`);
  if (results.some((r) => !r.ok)) process.exit(1);
}

await main();
