// rxtls vs node:tls, measured in the same run against the same node:tls servers on loopback
// (in their own process, see server.ts). Prints each figure with the ratio rxtls / node:tls
// (lower is better for times and memory, higher for throughput).
//   pnpm bench            full run
//   pnpm bench --quick    fewer iterations
//   pnpm bench --json     one JSON array of { figure, unit, provider, rxtls, nodeTls, ratio }
//   pnpm bench --no-deno  without the Deno rows
//   pnpm bench --no-bun   without the Bun rows
// Then it runs the Deno benchmark (packages/transport-deno/bench/bench.ts: rxtls on Deno vs
// Deno's own TLS) with the workspace's deno binary; with --json its rows join the array, shaped
// { figure, unit, provider, runtime: 'deno', rxtls, baseline, baselineValue, ratio }.
// Then the Bun benchmark (bun.ts: rxtls on Bun vs Bun's node:tls), rows shaped the same with
// runtime: 'bun'.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TlsClientContext, nobleProvider, webCryptoProvider, type CryptoProvider } from '@rxtls/core';
import { connect as netConnect, type Socket } from 'node:net';
import { startTls, TrustedCert } from 'subtls';
import { nodeCryptoProvider } from '../src/index.ts';
import { nodeBulk, nodeHandshake, rxtlsBulk, rxtlsHandshake, startPeers, type Peer } from './clients.ts';
import { median, medianOfRuns, percentile, timeMany } from '../../core/bench/measure.ts';
import type { DenoRow } from '../../transport-deno/bench/bench.ts';
import type { BunRow } from './bun.ts';

interface Row {
  figure: string;
  unit: string;
  provider: string;
  rxtls: number;
  nodeTls: number;
  ratio: number;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '../../..');
const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const HANDSHAKES = quick ? 30 : 200;
const BULK_BYTES = (quick ? 16 : 64) * 1024 * 1024;
const IDLE_CONNECTIONS = quick ? 200 : 1000;
const STARTUP_RUNS = quick ? 3 : 7;
/** Bulk transfers per throughput figure, after one discarded warm-up transfer (none with --quick): the median is reported. */
const BULK_RUNS = quick ? 1 : 3;
const DENO = join(ROOT, 'node_modules/.bin/deno');
const BUN = join(ROOT, 'node_modules/bun/bin/bun.exe');
const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, webCryptoProvider, nodeCryptoProvider];
const encoder = new TextEncoder();

const log = (line: string): void => {
  if (!json) process.stdout.write(`${line}\n`);
};

/** `networkRead(n, mode)` for subtls: exactly n bytes (mode 1 = peek) from a socket, or undefined at its end. */
function exactReader(socket: Socket): (n: number, mode?: number) => Promise<Uint8Array | undefined> {
  let buffered = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    wake?.();
  });
  socket.on('end', () => {
    ended = true;
    wake?.();
  });
  const readExactly = async (n: number, peek: boolean): Promise<Uint8Array | undefined> => {
    while (buffered.length < n && !ended) await new Promise<void>((r) => (wake = r));
    if (buffered.length < n) return undefined;
    const out = new Uint8Array(buffered.subarray(0, n));
    if (!peek) buffered = buffered.subarray(n);
    return out;
  };
  // subtls may ask again before an earlier read resolved: serve reads strictly in order.
  let queue: Promise<unknown> = Promise.resolve();
  return (n, mode) => {
    const next = queue.then(() => readExactly(n, mode === 1));
    queue = next;
    return next;
  };
}

/** subtls (pure JS over WebCrypto, on npm) against the same server, for comparison. */
async function subtlsHandshake(peer: Peer, roots: Awaited<ReturnType<typeof TrustedCert.databaseFromPEM>>): Promise<number> {
  const t0 = performance.now();
  const socket = netConnect({ host: '127.0.0.1', port: peer.port });
  socket.setNoDelay(true);
  await once(socket, 'connect');
  const { write } = await startTls('localhost', roots, exactReader(socket), (data) => void socket.write(data));
  const t = performance.now() - t0;
  await write(encoder.encode('x'));
  socket.destroy();
  return t;
}

/** Bytes of RSS per idle established connection, in a fresh process. */
async function idleBytes(kind: 'rxtls' | 'node', peer: Peer, caFile: string, provider = 'noble'): Promise<number> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, 'idle.ts'), kind, String(peer.port), caFile, String(IDLE_CONNECTIONS), provider], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  await once(child, 'exit');
  return (JSON.parse(line) as { bytesPerConnection: number }).bytesPerConnection;
}

/** Milliseconds from process start to the first completed handshake (both through tsx). */
async function startupMs(command: readonly string[], marker: RegExp): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', ...command], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const seen = new Promise<number>((resolve, reject) => {
      const look = (d: Buffer): void => {
        output += d.toString();
        if (marker.test(output)) resolve(performance.now() - t0);
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.on('exit', () => reject(new Error(`start-up run ended without ${marker}: ${output}`)));
    });
    times.push(await seen);
    child.kill();
  }
  return median(times);
}

/**
 * The Bun benchmark (bun.ts: rxtls on Bun vs Bun's node:tls) in its own `bun` process, after
 * the Deno rows. Text mode: its table goes straight to our stdout. JSON mode: its rows.
 */
async function bunRows(): Promise<BunRow[]> {
  if (!existsSync(BUN)) {
    process.stderr.write(`bun: no binary at ${BUN} (pnpm install puts it there); the Bun rows are skipped\n`);
    return [];
  }
  const bunArgs = [join(HERE, 'bun.ts')];
  if (quick) bunArgs.push('--quick');
  if (json) bunArgs.push('--json');
  log('');
  const child = spawn(BUN, bunArgs, { cwd: ROOT, stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the Bun benchmark exited with ${code}`);
  return json ? (JSON.parse(output) as BunRow[]) : [];
}

/**
 * The Deno benchmark in its own `deno` process (after the Node rows, so the two do not share
 * the machine). Text mode: its table goes straight to our stdout. JSON mode: its rows.
 */
async function denoRows(): Promise<DenoRow[]> {
  if (!existsSync(DENO)) {
    process.stderr.write(`deno: no binary at ${DENO} (pnpm install puts it there); the Deno rows are skipped\n`);
    return [];
  }
  const script = join(ROOT, 'packages/transport-deno/bench/bench.ts');
  const denoArgs = ['run', '--config', join(ROOT, 'packages/transport-deno/deno.json'), '--allow-net=127.0.0.1', `--allow-read=${join(ROOT, 'packages/transport-deno/bench')}`, script];
  if (quick) denoArgs.push('--quick');
  if (json) denoArgs.push('--json');
  log('');
  const child = spawn(DENO, denoArgs, { cwd: ROOT, stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the Deno benchmark exited with ${code}`);
  return json ? (JSON.parse(output) as DenoRow[]) : [];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const add = (figure: string, unit: string, provider: string, rxtls: number, nodeTls: number): void => {
    const row = { figure, unit, provider, rxtls: round(rxtls), nodeTls: round(nodeTls), ratio: round(rxtls / nodeTls) };
    rows.push(row);
    log(`${figure.padEnd(36)} ${provider.padEnd(6)} rxtls ${fmt(row.rxtls, unit)}  node:tls ${fmt(row.nodeTls, unit)}  ratio ${row.ratio.toFixed(2)}`);
  };
  const peers = await startPeers(BULK_BYTES);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    delay.enable();
    for (const [name, peer] of [['ecdsa-p256', peers.ecdsa], ['rsa-2048', peers.rsa]] as const) {
      const node = await timeMany(() => nodeHandshake(peer), HANDSHAKES);
      for (const provider of PROVIDERS) {
        const context = new TlsClientContext({ ca: peer.ca, provider });
        const ours = await timeMany(() => rxtlsHandshake(peer, context), HANDSHAKES);
        add(`handshake ${name} median`, 'ms', provider.name, percentile(ours, 50), percentile(node, 50));
        add(`handshake ${name} p99`, 'ms', provider.name, percentile(ours, 99), percentile(node, 99));
      }
    }
    // TLS 1.2 (ECDHE + AEAD): the same figures against node:tls servers held to TLS 1.2.
    for (const [name, peer] of [['ecdsa-p256', peers.ecdsa12], ['rsa-2048', peers.rsa12]] as const) {
      const node = await timeMany(() => nodeHandshake(peer, 'TLSv1.2'), HANDSHAKES);
      for (const provider of PROVIDERS) {
        const context = new TlsClientContext({ ca: peer.ca, provider, maxVersion: 'TLSv1.2', ticketStore: false });
        const ours = await timeMany(() => rxtlsHandshake(peer, context), HANDSHAKES);
        add(`TLS 1.2 handshake ${name} median`, 'ms', provider.name, percentile(ours, 50), percentile(node, 50));
        add(`TLS 1.2 handshake ${name} p99`, 'ms', provider.name, percentile(ours, 99), percentile(node, 99));
      }
    }
    for (const [suite, openssl] of [['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'], ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305']] as const) {
      const node = await medianOfRuns(() => nodeBulk(peers.ecdsa12, openssl, 'TLSv1.2'), BULK_RUNS, !quick);
      for (const provider of PROVIDERS) add(`TLS 1.2 throughput ${openssl}`, 'MB/s', provider.name, await medianOfRuns(() => rxtlsBulk(peers.ecdsa12, suite, provider, BULK_BYTES), BULK_RUNS, !quick), node);
    }
    // subtls speaks P-256 and AES-128-GCM only; its row puts subtls in the `rxtls` column.
    const subtlsRoots = await TrustedCert.databaseFromPEM(peers.ecdsa.ca);
    const subtls = await timeMany(() => subtlsHandshake(peers.ecdsa, subtlsRoots), HANDSHAKES);
    const nodeEcdsa = await timeMany(() => nodeHandshake(peers.ecdsa), HANDSHAKES);
    const p256Context = new TlsClientContext({ ca: peers.ecdsa.ca, groups: ['secp256r1'], cipherSuites: ['TLS_AES_128_GCM_SHA256'] });
    const noblePure = await timeMany(() => rxtlsHandshake(peers.ecdsa, p256Context), HANDSHAKES);
    add('handshake ecdsa-p256 P-256 AES-128 median', 'ms', 'noble', percentile(noblePure, 50), percentile(nodeEcdsa, 50));
    add('handshake ecdsa-p256 P-256 AES-128 median', 'ms', 'subtls', percentile(subtls, 50), percentile(nodeEcdsa, 50));
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'] as const) {
      const node = await medianOfRuns(() => nodeBulk(peers.ecdsa, suite), BULK_RUNS, !quick);
      for (const provider of PROVIDERS) add(`throughput ${suite}`, 'MB/s', provider.name, await medianOfRuns(() => rxtlsBulk(peers.ecdsa, suite, provider, BULK_BYTES), BULK_RUNS, !quick), node);
    }
    delay.disable();
    const loopP99 = delay.percentile(99) / 1e6;
    log(`event-loop delay while handshaking and streaming: p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${loopP99.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);

    const dir = mkdtempSync(join(tmpdir(), 'rxtls-bench-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, peers.ecdsa.ca);
    const nodeIdle = await idleBytes('node', peers.ecdsa, caFile);
    for (const provider of PROVIDERS) add(`memory per idle connection (${IDLE_CONNECTIONS})`, 'KB', provider.name, (await idleBytes('rxtls', peers.ecdsa, caFile, provider.name)) / 1024, nodeIdle / 1024);

    const nodeScript = join(dir, 'node-tls-first-handshake.ts');
    writeFileSync(
      nodeScript,
      `import { connect } from 'node:tls'; import { readFileSync } from 'node:fs';\n` +
        `const s = connect({ host: '127.0.0.1', port: ${peers.ecdsa.port}, servername: 'localhost', ca: readFileSync(${JSON.stringify(caFile)}, 'utf8') }, () => { console.log('established'); s.destroy(); });\n`,
    );
    const ours = await startupMs([join(ROOT, 'packages/transport-node/src/cli/main.ts'), 'connect', `127.0.0.1:${peers.ecdsa.port}`, '--servername', 'localhost', '--ca', caFile], /established/);
    const theirs = await startupMs([nodeScript], /established/);
    add('start-up to first handshake (CLI, tsx)', 'ms', 'noble', ours, theirs);
  } finally {
    peers.child.stdin!.end();
  }
  let failure: unknown;
  const deno = args.has('--no-deno') ? [] : await denoRows().catch((err: unknown): DenoRow[] => ((failure = err), []));
  const bun = args.has('--no-bun') ? [] : await bunRows().catch((err: unknown): BunRow[] => ((failure ??= err), []));
  if (json) process.stdout.write(`${JSON.stringify([...rows, ...deno, ...bun], null, 2)}\n`);
  if (failure !== undefined) throw failure;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function fmt(v: number, unit: string): string {
  return `${v.toFixed(2).padStart(9)} ${unit.padEnd(4)}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
