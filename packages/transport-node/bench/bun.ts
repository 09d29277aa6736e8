// rxtls on Bun vs Bun's own node:tls, in the same run, against the same node:tls servers (run
// by Node, server.ts). Prints each figure with the ratio rxtls / Bun's node:tls (lower is better
// for times, higher for throughput).
//
//   bun packages/transport-node/bench/bun.ts [--quick] [--json]
//
// --json prints one JSON array of { figure, unit, provider, runtime: 'bun', rxtls, baseline,
// baselineValue, ratio }. `pnpm bench` runs this too and merges the rows.
import { TlsClientContext, nobleProvider, webCryptoProvider, type CryptoProvider } from '@rxtls/core';
import { nodeCryptoProvider } from '../src/index.ts';
import { medianOfRuns, percentile, timeMany } from '../../core/bench/measure.ts';
import { nodeBulk, nodeHandshake, rxtlsBulk, rxtlsHandshake, startPeers } from './clients.ts';

/** One figure: rxtls on Bun against Bun's node:tls, both against node:tls servers on Node. */
export interface BunRow {
  figure: string;
  unit: string;
  provider: string;
  runtime: 'bun';
  rxtls: number;
  baseline: string;
  baselineValue: number;
  ratio: number;
}

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const HANDSHAKES = quick ? 30 : 200;
const BULK_BYTES = (quick ? 16 : 64) * 1024 * 1024;
const BULK_RUNS = quick ? 1 : 3;
const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, webCryptoProvider, nodeCryptoProvider];
const bun = (process.versions as Record<string, string | undefined>)['bun'];

async function main(): Promise<void> {
  if (bun === undefined) throw new Error('bun.ts measures Bun: run it with bun');
  const rows: BunRow[] = [];
  const add = (figure: string, unit: string, provider: string, rxtls: number, baselineValue: number): void => {
    const row: BunRow = { figure, unit, provider, runtime: 'bun', rxtls: round(rxtls), baseline: "Bun's node:tls", baselineValue: round(baselineValue), ratio: round(rxtls / baselineValue) };
    rows.push(row);
    if (!json) console.log(`${figure.padEnd(36)} ${provider.padEnd(9)} rxtls ${fmt(row.rxtls, unit)}  node:tls ${fmt(row.baselineValue, unit)}  ratio ${row.ratio.toFixed(2)}`);
  };
  const peers = await startPeers(BULK_BYTES);
  try {
    if (!json) console.log(`rxtls on Bun ${bun} vs Bun's own node:tls (both against node:tls servers on Node), loopback`);
    for (const [name, peer] of [['ecdsa-p256', peers.ecdsa], ['rsa-2048', peers.rsa]] as const) {
      const theirs = await timeMany(() => nodeHandshake(peer), HANDSHAKES);
      for (const provider of PROVIDERS) {
        const context = new TlsClientContext({ ca: peer.ca, provider });
        const ours = await timeMany(() => rxtlsHandshake(peer, context), HANDSHAKES);
        add(`handshake ${name} median`, 'ms', provider.name, percentile(ours, 50), percentile(theirs, 50));
        add(`handshake ${name} p99`, 'ms', provider.name, percentile(ours, 99), percentile(theirs, 99));
      }
    }
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'] as const) {
      const theirs = await medianOfRuns(() => nodeBulk(peers.ecdsa, suite), BULK_RUNS, !quick);
      for (const provider of PROVIDERS) add(`throughput ${suite}`, 'MB/s', provider.name, await medianOfRuns(() => rxtlsBulk(peers.ecdsa, suite, provider, BULK_BYTES), BULK_RUNS, !quick), theirs);
    }
  } finally {
    peers.child.stdin!.end();
  }
  if (json) console.log(JSON.stringify(rows, null, 2));
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
    console.error(`bun bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
