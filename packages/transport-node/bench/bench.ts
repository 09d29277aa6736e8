// rxtls vs node:tls, measured in the same run against the same node:tls server on loopback.
// Prints each figure with the ratio rxtls / node:tls; `--json` prints one JSON array.
//   pnpm bench            (full run)
//   pnpm bench --quick    (fewer iterations)
import { once } from 'node:events';
import { createServer, connect as tlsConnect, type Server, type TLSSocket } from 'node:tls';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { CipherSuiteName, CryptoProvider } from '@rxtls/core';
import { nobleProvider } from '@rxtls/core';
import { connectTls, nodeCryptoProvider } from '../src/index.ts';
import { generateDemoPki, type DemoKeyType } from '../../../examples/support/generate-pki.ts';

interface Row {
  figure: string;
  unit: string;
  provider: string;
  rxtls: number;
  nodeTls: number;
  ratio: number;
}

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const HANDSHAKES = quick ? 20 : 100;
const BULK_BYTES = (quick ? 8 : 64) * 1024 * 1024;
const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, nodeCryptoProvider];

const log = (line: string): void => {
  if (!json) process.stderr.write(`${line}\n`);
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A node:tls server: `bulk` sends `BULK_BYTES` to the client and closes; `idle` does nothing. */
async function startServer(keyType: DemoKeyType, suites: string): Promise<{ server: Server; port: number; ca: string }> {
  const pki = await generateDemoPki({ keyType });
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, minVersion: 'TLSv1.3', ciphers: suites }, (socket) => {
    socket.setNoDelay(true);
    socket.once('data', (d: Buffer) => {
      if (d.toString() !== 'bulk') return socket.end();
      let left = BULK_BYTES;
      const pump = (): void => {
        while (left > 0) {
          left -= chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, ca: pki.rootPem };
}

async function nodeHandshake(port: number, ca: string): Promise<number> {
  const t0 = performance.now();
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3' });
  socket.setNoDelay(true);
  await once(socket, 'secureConnect');
  const t = performance.now() - t0;
  socket.end('x');
  socket.destroy();
  return t;
}

async function rxtlsHandshake(port: number, ca: string, provider: CryptoProvider): Promise<number> {
  const t0 = performance.now();
  const session = await connectTls({ host: '127.0.0.1', port, servername: 'localhost', ca, provider });
  const t = performance.now() - t0;
  await session.write(new TextEncoder().encode('x'));
  session.destroy();
  return t;
}

async function timeMany(run: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < HANDSHAKES; i++) times.push(await run());
  return times.sort((a, b) => a - b);
}

async function nodeBulk(port: number, ca: string, cipher: string): Promise<number> {
  const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3', ciphers: cipher });
  await once(socket, 'secureConnect');
  const t0 = performance.now();
  socket.write('bulk');
  let got = 0;
  socket.on('data', (d: Buffer) => (got += d.length));
  await once(socket, 'end');
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  return got / seconds / 1e6;
}

async function rxtlsBulk(port: number, ca: string, suite: CipherSuiteName, provider: CryptoProvider): Promise<number> {
  const session = await connectTls({ host: '127.0.0.1', port, servername: 'localhost', ca, provider, cipherSuites: [suite] });
  const t0 = performance.now();
  await session.write(new TextEncoder().encode('bulk'));
  let got = 0;
  for (let chunk = await session.read(); chunk !== null; chunk = await session.read().catch(() => null)) got += chunk.length;
  const seconds = (performance.now() - t0) / 1000;
  session.destroy();
  if (got < BULK_BYTES) throw new Error(`bulk: got ${got} of ${BULK_BYTES} bytes`);
  return got / seconds / 1e6;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const add = (figure: string, unit: string, provider: string, rxtls: number, nodeTls: number): void => {
    const row = { figure, unit, provider, rxtls: round(rxtls), nodeTls: round(nodeTls), ratio: round(rxtls / nodeTls) };
    rows.push(row);
    log(`${figure.padEnd(34)} ${provider.padEnd(6)} rxtls ${fmt(row.rxtls, unit)}  node:tls ${fmt(row.nodeTls, unit)}  ratio ${row.ratio.toFixed(2)}`);
  };
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();

  for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
    const { server, port, ca } = await startServer(keyType, 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384');
    const node = await timeMany(() => nodeHandshake(port, ca));
    for (const provider of PROVIDERS) {
      const ours = await timeMany(() => rxtlsHandshake(port, ca, provider));
      add(`handshake ${keyType} median`, 'ms', provider.name, percentile(ours, 50), percentile(node, 50));
      add(`handshake ${keyType} p99`, 'ms', provider.name, percentile(ours, 99), percentile(node, 99));
    }
    server.close();
  }

  for (const [suite, nodeName] of [
    ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
    ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
  ] as const) {
    const { server, port, ca } = await startServer('ecdsa-p256', nodeName);
    const node = await nodeBulk(port, ca, nodeName);
    for (const provider of PROVIDERS) add(`throughput ${suite}`, 'MB/s', provider.name, await rxtlsBulk(port, ca, suite, provider), node);
    server.close();
  }
  delay.disable();
  log(`event-loop delay during the run: p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function fmt(v: number, unit: string): string {
  return `${v.toFixed(2).padStart(8)} ${unit}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
