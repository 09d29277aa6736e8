import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, nodeCryptoProvider } from '../../src/index.ts';
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
let serverSent = 0;

beforeAll(async () => {
  pki = await getTestPki();
  const script = fileURLToPath(new URL('./support/bulk-server.mjs', import.meta.url));
  server = fork(script, [], { env: { ...process.env, BULK: JSON.stringify({ ...serverCredentials(pki), total: SIZE }) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.on('message', (m: { port?: number; sent?: number }) => {
      if (m.port !== undefined) resolve(m.port);
      if (m.sent !== undefined) serverSent = m.sent;
    });
  });
});
afterAll(() => {
  server?.kill();
});

/** A sink that takes `rate` bytes per second and checks the pattern as it goes. */
function slowSink(rate: number): Writable & { consumed: number; mismatches: number } {
  const start = Date.now();
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, cb) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== (sink.consumed + i) % PERIOD) sink.mismatches++;
      sink.consumed += chunk.length;
      const due = start + (sink.consumed / rate) * 1000;
      setTimeout(cb, Math.max(0, due - Date.now()));
    },
  }) as Writable & { consumed: number; mismatches: number };
  sink.consumed = 0;
  sink.mismatches = 0;
  return sink;
}

describe('backpressure end to end', () => {
  it(
    `${SIZE / MiB} MiB pushed at a reader taking ${RATE / MiB} MiB/s: RSS growth < ${RSS_BOUND / MiB} MiB, in flight < ${IN_FLIGHT_BOUND / MiB} MiB`,
    async () => {
      // Warm up (modules, JIT, the shared context) before taking the baseline.
      const warm = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, provider: nodeCryptoProvider });
      await warm.established;
      warm.destroy();
      await new Promise((r) => setTimeout(r, 100));

      const baseline = process.memoryUsage().rss;
      let maxRss = baseline;
      let maxInFlight = 0;
      const sink = slowSink(RATE);
      const sampler = setInterval(() => {
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
        maxInFlight = Math.max(maxInFlight, serverSent - sink.consumed);
      }, 100);
      const started = Date.now();
      try {
        const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, provider: nodeCryptoProvider });
        await pipeline(socket, sink);
      } finally {
        clearInterval(sampler);
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `backpressure: ${SIZE / MiB} MiB at ${RATE / MiB} MiB/s in ${seconds.toFixed(1)} s; ` +
          `RSS baseline ${(baseline / MiB).toFixed(1)} MiB, max growth ${((maxRss - baseline) / MiB).toFixed(1)} MiB; ` +
          `max in flight ${(maxInFlight / MiB).toFixed(1)} MiB`,
      );
      expect(sink.consumed).toBe(SIZE);
      expect(sink.mismatches).toBe(0);
      expect(seconds).toBeGreaterThan((SIZE / RATE) * 0.9); // the reader really was the slow part
      expect(maxRss - baseline).toBeLessThan(RSS_BOUND);
      expect(maxInFlight).toBeLessThan(IN_FLIGHT_BOUND);
    },
    (SIZE / RATE) * 1000 + 60_000,
  );
});
