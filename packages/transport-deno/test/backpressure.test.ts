// Backpressure on Deno: a reader that does not read holds the writer back. The transport reads
// from the socket only when the engine asks (one read of 64 KiB at a time), so unread bytes wait
// in the kernel, TCP flow control stops the sender, and its write() stays pending. A transport
// that read eagerly would let the sender finish and hold everything in memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type TlsConn, type TlsListener } from '../src/index.ts';
import { MAX_READ_SIZE } from '../src/low-level.ts';
import { MiB, concat, sha256, sleep, until } from './support/bytes.ts';
import { portOf } from './support/deno.ts';
import { getTestPki, type TestPki } from './support/pki.ts';

const SIZE = 32 * MiB;
const PIECE = 256 * 1024;
/** Loopback TCP buffers (a few MiB each way, autotuned) plus ours (tens of KiB). */
const IN_FLIGHT_BOUND = 16 * MiB;

let pki: TestPki;
let listener: TlsListener;
let port: number;
/** Bytes the server's write() calls have resolved for, by connection. */
const sent: number[] = [];
const payload = new Uint8Array(PIECE).map((_, i) => (i * 7 + (i >> 8)) & 0xff);

beforeAll(async () => {
  pki = await getTestPki();
  listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem, cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] }, async (conn) => {
    const id = sent.push(0) - 1;
    for (let at = 0; at < SIZE; at += PIECE) {
      await conn.write(payload);
      sent[id]! += PIECE;
    }
    await conn.close();
  });
  port = portOf(listener.addr);
});

afterAll(async () => {
  listener.close();
  listener.closeAllConnections();
  await listener.finished;
});

/** Wait while nobody reads until the sender stops; check it stopped early and nothing piled up on our side. */
async function stall(conn: TlsConn, id: number): Promise<void> {
  await until(() => (sent[id] ?? 0) > 0, 'the server to start sending', 20_000);
  // Until no more progress in 300 ms: the sender is held back (a transport that read eagerly
  // would only stop at SIZE, far above the bound).
  let inFlight = -1;
  for (let deadline = Date.now() + 20_000; sent[id] !== inFlight && Date.now() < deadline; ) {
    inFlight = sent[id]!;
    await sleep(300);
  }
  expect(sent[id]).toBe(inFlight);
  expect(inFlight).toBeLessThan(IN_FLIGHT_BOUND);
  expect(conn.session.connection.pendingInput).toBeLessThanOrEqual(MAX_READ_SIZE); // at most the one read
}

describe('backpressure', () => {
  it(`read(): ${SIZE / MiB} MiB from a fast sender to a reader that pauses — the sender waits`, async () => {
    const conn = await connect({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem });
    await stall(conn, 0);
    let total = 0;
    const first: Uint8Array[] = [];
    for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) {
      if (total < PIECE) first.push(chunk);
      total += chunk.length;
    }
    expect(total).toBe(SIZE);
    expect(await sha256(concat(first).subarray(0, PIECE))).toBe(await sha256(payload));
    expect(sent[0]).toBe(SIZE);
  });

  it('readable (web stream): nothing is pulled while the stream has no reader', async () => {
    const conn = await connect({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem });
    await stall(conn, 1);
    let total = 0;
    for await (const chunk of conn.readable as unknown as AsyncIterable<Uint8Array>) total += chunk.length;
    expect(total).toBe(SIZE);
  });
});
