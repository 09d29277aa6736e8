import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, nodeCryptoProvider, type TlsSocket } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { serverCredentials } from './support/node-server.ts';

/**
 * A fast sender, a slow reader: the server pushes SIZE bytes as fast as TCP allows; the client
 * consumes them at RATE through `pipeline(socket, slowSink)`. With backpressure working end to
 * end, the bytes wait in the kernel and the server is held back; without it, they pile up in
 * the client's memory. Defaults keep CI short (64 MiB at 16 MiB/s ≈ 4 s); by hand:
 * `RXTLS_BACKPRESSURE_MB=512 RXTLS_BACKPRESSURE_RATE_MB=4 npx vitest run packages/transport-node/test/socket/backpressure.test.ts`.
 *
 * Bounds asserted:
 * - RSS of this (client) process never grows more than 64 MiB over its value before the transfer;
 * - bytes in flight (handed to the server's socket, not yet consumed by the slow sink) stay
 *   under 32 MiB: loopback TCP buffers (a few MiB each way) plus ours (tens of KiB).
 * A client that read eagerly would hold nearly SIZE in flight (the server outruns the reader).
 */
const MiB = 1024 * 1024;
const SIZE = Number(process.env['RXTLS_BACKPRESSURE_MB'] ?? 64) * MiB;
const RATE = Number(process.env['RXTLS_BACKPRESSURE_RATE_MB'] ?? 16) * MiB;
const RSS_BOUND = 64 * MiB;
const IN_FLIGHT_BOUND = 32 * MiB;
const PERIOD = 251;

let pki: TestPki;
let server: ChildProcess;
let port: number;
/** Bytes the server has handed to its socket, by connection id (the server numbers connections 1, 2, ...). */
const serverSent = new Map<number, number>();

beforeAll(async () => {
  pki = await getTestPki();
  const script = fileURLToPath(new URL('./support/bulk-server.mjs', import.meta.url));
  server = fork(script, [], { env: { ...process.env, BULK: JSON.stringify({ ...serverCredentials(pki), total: SIZE }) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.on('message', (m: { port?: number; id?: number; sent?: number }) => {
      if (m.port !== undefined) resolve(m.port);
      if (m.id !== undefined && m.sent !== undefined) serverSent.set(m.id, m.sent);
    });
  });
});
afterAll(() => {
  server?.kill();
});

/** A consumer that takes `rate` bytes per second and checks the pattern as it goes. */
class SlowConsumer {
  consumed = 0;
  mismatches = 0;
  private readonly start = Date.now();
  constructor(private readonly rate: number) {}

  take(chunk: Uint8Array): Promise<void> {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] !== (this.consumed + i) % PERIOD) this.mismatches++;
    this.consumed += chunk.length;
    const due = this.start + (this.consumed / this.rate) * 1000;
    return new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }

  /** The same, as a Node Writable. */
  writable(): Writable {
    return new Writable({
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _enc, cb) => {
        this.take(chunk).then(() => cb(), cb);
      },
    });
  }
}

type Reader = (socket: TlsSocket, consumer: SlowConsumer) => Promise<void>;

/** Through `stream.pipeline` into a Node Writable: all of it. */
const viaPipeline: Reader = (socket, consumer) => pipeline(socket, consumer.writable());

/** Through `socket.web.readable`: the first half, then cancel (keeps the run short). */
const viaWebStreams: Reader = async (socket, consumer) => {
  const reader = socket.web.readable.getReader();
  while (consumer.consumed < SIZE / 2) {
    const { value, done } = await reader.read();
    if (done) break;
    await consumer.take(value);
  }
  await reader.cancel();
};

/**
 * Bun's engine (JavaScriptCore) collects garbage lazily: there RSS grew 130 MiB while 7 MiB were
 * in flight, so RSS measured what was dropped, not what was held. On Bun each sample follows a
 * full collection (`Bun.gc(true)`); on Node nothing changes.
 */
function collectOnBun(): void {
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
}

async function measure(read: Reader, expected: number): Promise<void> {
  // Warm up (modules, JIT, the shared context) before taking the baseline.
  const warm = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, provider: nodeCryptoProvider });
  await warm.established;
  warm.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const mainId = Math.max(0, ...serverSent.keys()) + 1; // the warm-up's last report has arrived by now

  collectOnBun();
  const baseline = process.memoryUsage().rss;
  let maxRss = baseline;
  let maxInFlight = 0;
  const consumer = new SlowConsumer(RATE);
  const sampler = setInterval(() => {
    collectOnBun();
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    maxInFlight = Math.max(maxInFlight, (serverSent.get(mainId) ?? 0) - consumer.consumed);
  }, 100);
  const started = Date.now();
  try {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, provider: nodeCryptoProvider });
    await read(socket, consumer);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `backpressure (${read === viaPipeline ? 'pipeline' : 'web streams'}): ${(expected / MiB).toFixed(0)} MiB at ${RATE / MiB} MiB/s in ${seconds.toFixed(1)} s; ` +
      `RSS baseline ${(baseline / MiB).toFixed(1)} MiB, max growth ${((maxRss - baseline) / MiB).toFixed(1)} MiB; ` +
      `max in flight ${(maxInFlight / MiB).toFixed(1)} MiB`,
  );
  expect(serverSent.get(mainId)).toBeGreaterThanOrEqual(expected); // the measurement followed the right connection
  expect(consumer.consumed).toBeGreaterThanOrEqual(expected);
  expect(consumer.mismatches).toBe(0);
  expect(seconds).toBeGreaterThan((expected / RATE) * 0.9); // the reader really was the slow part
  expect(maxRss - baseline).toBeLessThan(RSS_BOUND);
  expect(maxInFlight).toBeLessThan(IN_FLIGHT_BOUND);
}

describe('backpressure end to end', () => {
  const bounds = `RSS growth < ${RSS_BOUND / MiB} MiB, in flight < ${IN_FLIGHT_BOUND / MiB} MiB`;
  it(`pipeline: ${SIZE / MiB} MiB pushed at a reader taking ${RATE / MiB} MiB/s: ${bounds}`, () => measure(viaPipeline, SIZE), (SIZE / RATE) * 1000 + 60_000);
  it(`web streams: ${SIZE / MiB / 2} MiB read through socket.web.readable at ${RATE / MiB} MiB/s: ${bounds}`, () => measure(viaWebStreams, SIZE / 2), (SIZE / RATE) * 500 + 60_000);
});
