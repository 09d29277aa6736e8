// rxtls on Deno vs Deno's own TLS (rustls), measured in the same run against the same
// `Deno.listenTls` servers on loopback (in a Worker: its own event loop and thread, see
// server.ts). Prints each figure with the ratio rxtls / Deno TLS (lower is better for times,
// higher for throughput).
//
//   deno run --config packages/transport-deno/deno.json --allow-net=127.0.0.1 \
//     --allow-read=packages/transport-deno/bench packages/transport-deno/bench/bench.ts [--quick] [--json]
//
// --json prints one JSON array of
//   { figure, unit, provider, runtime: 'deno', rxtls, baseline, baselineValue, ratio }
// where `baseline` names what the rxtls figure is compared with (the Deno.connectTls client,
// and for throughput the suite it negotiated) and `baselineValue` is its figure.
// `pnpm bench` runs this too (packages/transport-node/bench/bench.ts) and merges the rows.
import { TlsClientContext, nobleProvider, webCryptoProvider, type CipherSuiteName, type CryptoProvider } from '@rxtls/core';
import { connect } from '../src/index.ts';
import { medianOfRuns, percentile, timeMany } from '../../core/bench/measure.ts';
import { generateDemoPki } from '../../../examples/support/generate-pki.ts';
import type { ServerRequest } from './server.ts';
import { deno, moduleWorker, writeAll, type BenchWorker } from './deno-api.ts';

/** One figure: rxtls on Deno against Deno's own TLS client, both against Deno's own TLS server. */
export interface DenoRow {
  figure: string;
  unit: string;
  provider: string;
  runtime: 'deno';
  rxtls: number;
  baseline: string;
  baselineValue: number;
  ratio: number;
}
interface Peer {
  port: number;
  ca: string;
}

const args = new Set(deno.args);
const json = args.has('--json');
const quick = args.has('--quick');
const HANDSHAKES = quick ? 30 : 200;
const BULK_BYTES = (quick ? 16 : 64) * 1024 * 1024;
/** Bulk transfers per throughput figure, after one discarded warm-up transfer (none with --quick): the median is reported. */
const BULK_RUNS = quick ? 1 : 3;
const READ_SIZE = 64 * 1024; // both clients read decrypted data 64 KiB at a time
const HOST = '127.0.0.1'; // both clients connect by IP and check the leaf's IP SAN (no DNS, no SNI)
const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, webCryptoProvider];
const SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'];
const SUITE_NAMES: Readonly<Record<number, CipherSuiteName>> = { 0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256' };
const encoder = new TextEncoder();

const log = (line: string): void => {
  if (!json) console.log(line);
};
const STALL_MS = 30;
const stalled = (times: readonly number[]): string => `${times.filter((t) => t > STALL_MS).length}/${times.length}`;

/** Deno.listenTls servers with an ECDSA P-256 and an RSA-2048 leaf, in a Worker (server.ts). */
async function startPeers(): Promise<{ worker: BenchWorker; ecdsa: Peer; rsa: Peer }> {
  const [ecdsa, rsa] = await Promise.all([generateDemoPki({ keyType: 'ecdsa-p256' }), generateDemoPki({ keyType: 'rsa-2048' })]);
  const certificates = [ecdsa, rsa].map((pki) => ({ cert: pki.leafPem + pki.intermediatePem, key: pki.leafKeyPem }));
  const worker = moduleWorker(new URL('./server.ts', import.meta.url));
  const ports = await new Promise<number[]>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data as number[]);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`bench server: ${event.message}`));
    };
    worker.postMessage({ bulkBytes: BULK_BYTES, certificates } satisfies ServerRequest);
  });
  return { worker, ecdsa: { port: ports[0]!, ca: ecdsa.rootPem }, rsa: { port: ports[1]!, ca: rsa.rootPem } };
}

/**
 * The TLS 1.3 cipher suites `Deno.connectTls` offers, in its order: one ClientHello caught
 * on a plain TCP listener (Deno has no API that reports a suite, nor one that chooses).
 */
async function denoClientSuites(ca: string): Promise<CipherSuiteName[]> {
  const raw = deno.listen({ hostname: HOST, port: 0 });
  const client = deno.connectTls({ hostname: HOST, port: raw.addr.port, caCerts: [ca] }).then((c) => c.handshake().finally(() => c.close()));
  client.catch(() => undefined);
  const conn = await raw.accept();
  const buffer = new Uint8Array(16 * 1024);
  let n = 0;
  while (n < 5 || n < 5 + ((buffer[3]! << 8) | buffer[4]!)) {
    const got = await conn.read(buffer.subarray(n));
    if (got === null) throw new Error('probe: Deno.connectTls sent no complete ClientHello');
    n += got;
  }
  conn.close();
  raw.close();
  // TLSPlaintext header (5), Handshake header (4), legacy_version (2), random (32),
  // legacy_session_id <0..32>, cipher_suites <2..2^16-2> (RFC 8446 §4.1.2).
  const hello = buffer.subarray(0, n);
  let at = 5 + 4 + 2 + 32;
  at += 1 + hello[at]!;
  const length = (hello[at]! << 8) | hello[at + 1]!;
  const suites: CipherSuiteName[] = [];
  for (let i = at + 2; i < at + 2 + length; i += 2) {
    const name = SUITE_NAMES[(hello[i]! << 8) | hello[i + 1]!];
    if (name !== undefined) suites.push(name);
  }
  return suites;
}

/**
 * The suite a `Deno.connectTls` client gets from the Deno server: an rxtls client offering
 * Deno's client list in Deno's order learns what the server picks from that list.
 */
async function suiteDenoNegotiates(peer: Peer, offered: readonly CipherSuiteName[]): Promise<CipherSuiteName> {
  const conn = await connect({ hostname: HOST, port: peer.port, caCerts: peer.ca, cipherSuites: offered });
  const suite = conn.negotiated!.cipherSuite as CipherSuiteName;
  conn.destroy();
  return suite;
}

async function denoHandshake(peer: Peer): Promise<number> {
  const t0 = performance.now();
  const conn = await deno.connectTls({ hostname: HOST, port: peer.port, caCerts: [peer.ca] });
  await conn.handshake();
  const t = performance.now() - t0;
  await writeAll(conn, encoder.encode('x'));
  conn.close();
  return t;
}

async function rxtlsHandshake(peer: Peer, context: TlsClientContext): Promise<number> {
  const t0 = performance.now();
  const conn = await connect({ hostname: HOST, port: peer.port, context });
  const t = performance.now() - t0;
  await conn.write(encoder.encode('x'));
  conn.destroy();
  return t;
}

async function denoBulk(peer: Peer): Promise<number> {
  const conn = await deno.connectTls({ hostname: HOST, port: peer.port, caCerts: [peer.ca] });
  await conn.handshake();
  const t0 = performance.now();
  await writeAll(conn, encoder.encode('bulk'));
  const buffer = new Uint8Array(READ_SIZE);
  let got = 0;
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) got += n;
  const seconds = (performance.now() - t0) / 1000;
  conn.close();
  if (got < BULK_BYTES) throw new Error(`bulk (Deno.connectTls): got ${got} of ${BULK_BYTES} bytes`);
  return got / seconds / 1e6;
}

async function rxtlsBulk(peer: Peer, suite: CipherSuiteName, provider: CryptoProvider): Promise<number> {
  const conn = await connect({ hostname: HOST, port: peer.port, caCerts: peer.ca, provider, cipherSuites: [suite] });
  if (conn.negotiated?.cipherSuite !== suite) throw new Error(`bulk: negotiated ${conn.negotiated?.cipherSuite}, not ${suite}`);
  const t0 = performance.now();
  await conn.write(encoder.encode('bulk'));
  let got = 0;
  for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) got += chunk.length;
  const seconds = (performance.now() - t0) / 1000;
  conn.destroy();
  if (got < BULK_BYTES) throw new Error(`bulk (rxtls): got ${got} of ${BULK_BYTES} bytes`);
  return got / seconds / 1e6;
}

/**
 * The ceiling of the WebCrypto path on this runtime, in the same run: AES-128-GCM decryption of
 * 16 KiB records by `crypto.subtle`, 32 at a time (rxtls's pipeline depth), in MB/s. rxtls's
 * AES-GCM throughput with the WebCrypto provider cannot exceed it.
 */
async function webCryptoDecryptCeiling(): Promise<number> {
  const subtle = crypto.subtle;
  const key = await subtle.importKey('raw', new Uint8Array(16), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  const aad = new Uint8Array(5);
  const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, new Uint8Array(16384)));
  const records = BULK_BYTES / 16384;
  const t0 = performance.now();
  for (let done = 0; done < records; done += 32) {
    await Promise.all(Array.from({ length: 32 }, () => subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, sealed)));
  }
  return BULK_BYTES / ((performance.now() - t0) / 1000) / 1e6;
}

async function main(): Promise<void> {
  const rows: DenoRow[] = [];
  const add = (figure: string, unit: string, provider: string, rxtls: number, baseline: string, baselineValue: number): void => {
    const row: DenoRow = { figure, unit, provider, runtime: 'deno', rxtls: round(rxtls), baseline, baselineValue: round(baselineValue), ratio: round(rxtls / baselineValue) };
    rows.push(row);
    log(`${figure.padEnd(36)} ${provider.padEnd(9)} rxtls ${fmt(row.rxtls, unit)}  ${baseline} ${fmt(row.baselineValue, unit)}  ratio ${row.ratio.toFixed(2)}`);
  };
  const peers = await startPeers();
  try {
    log(`rxtls on Deno ${deno.version.deno} vs Deno's own TLS (Deno.connectTls -> Deno.listenTls), loopback`);
    for (const [name, peer] of [['ecdsa-p256', peers.ecdsa], ['rsa-2048', peers.rsa]] as const) {
      const theirs = await timeMany(() => denoHandshake(peer), HANDSHAKES);
      const stalls = [`Deno.connectTls ${stalled(theirs)}`];
      for (const provider of PROVIDERS) {
        const context = new TlsClientContext({ ca: peer.ca, provider });
        const ours = await timeMany(() => rxtlsHandshake(peer, context), HANDSHAKES);
        add(`handshake ${name} median`, 'ms', provider.name, percentile(ours, 50), 'Deno.connectTls', percentile(theirs, 50));
        add(`handshake ${name} p99`, 'ms', provider.name, percentile(ours, 99), 'Deno.connectTls', percentile(theirs, 99));
        stalls.push(`rxtls/${provider.name} ${stalled(ours)}`);
      }
      log(`  ${name} handshakes over ${STALL_MS} ms (stalls of ≈ 40 ms; they make the p99): ${stalls.join(', ')}`);
    }
    // Deno.connectTls cannot choose a suite; say in each row which one it got.
    const offered = await denoClientSuites(peers.ecdsa.ca);
    const denoSuite = await suiteDenoNegotiates(peers.ecdsa, offered);
    log(`Deno.connectTls offers ${offered.join(', ')}; the Deno server picks ${denoSuite} from that list`);
    const theirs = await medianOfRuns(() => denoBulk(peers.ecdsa), BULK_RUNS, !quick);
    for (const suite of SUITES) {
      for (const provider of PROVIDERS) add(`throughput ${suite}`, 'MB/s', provider.name, await medianOfRuns(() => rxtlsBulk(peers.ecdsa, suite, provider), BULK_RUNS, !quick), `Deno.connectTls (${denoSuite})`, theirs);
    }
    add('ceiling: subtle.decrypt AES-128-GCM', 'MB/s', 'webcrypto', await medianOfRuns(webCryptoDecryptCeiling, BULK_RUNS, !quick), `Deno.connectTls (${denoSuite})`, theirs);
  } finally {
    peers.worker.terminate();
  }
  if (json) console.log(JSON.stringify(rows, null, 2));
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function fmt(v: number, unit: string): string {
  return `${v.toFixed(2).padStart(9)} ${unit.padEnd(4)}`;
}

try {
  await main();
  deno.exit(0);
} catch (err) {
  console.error(`deno bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  deno.exit(1);
}
