// Any split of the bytes gives the same result (DESIGN.md, Testing): an rxtls client and an
// rxtls server on Deno, their bytes cut into random pieces in both directions — reads of
// random sizes and partial writes over in-memory conns, and real TCP through a relay that
// re-chunks — give the same handshake, the same data and the same clean close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { TlsClientContext, TlsServerContext } from '@rxtls/core';
import { connect, type TlsConn } from '../src/index.ts';
import { accept, type DenoConn } from '../src/low-level.ts';
import { concat, readAll, readExactly, sha256 } from './support/bytes.ts';
import { Deno, portOf } from './support/deno.ts';
import { memoryConnPair } from './support/memory-conn.ts';
import { getTestPki, type TestPki } from './support/pki.ts';

const UP = 20_000;
const DOWN = 30_000;
/** Deterministic payloads, so that every run must deliver the same bytes. */
const payload = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed + (i >> 9)) & 0xff);
const up = payload(UP, 7);
const down = payload(DOWN, 11);

let pki: TestPki;
let clientContext: TlsClientContext;
let serverContext: TlsServerContext;
beforeAll(async () => {
  pki = await getTestPki();
  // No resumption: every run is a full handshake, comparable with the first.
  clientContext = new TlsClientContext({ ca: pki.rootPem, ticketStore: false, alpnProtocols: ['chunks'] });
  serverContext = new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }], alpnProtocols: ['chunks'] });
});

/** What one exchange looked like, for comparing runs. */
interface Outcome {
  clientSteps: string[];
  serverSteps: string[];
  negotiated: unknown;
  up: string;
  down: string;
  closes: unknown[];
}

const stepsOf = (conn: TlsConn): Promise<string[]> => lastValueFrom(conn.handshake$.pipe(toArray())).then((events) => events.map((e) => e.type));

/** Handshake, UP bytes up, DOWN bytes down, client closes, server answers. */
async function exchange(clientConn: DenoConn, serverConn: DenoConn): Promise<Outcome> {
  const server = accept(serverConn, { context: serverContext });
  const serverSteps = stepsOf(server);
  const served = (async () => {
    const got = await readExactly(server, UP);
    await server.write(down);
    expect(await readAll(server)).toHaveLength(0); // then the client's close_notify
    return got;
  })();
  const client = await connect({ conn: clientConn, context: clientContext, servername: 'localhost', handshake: false });
  const clientSteps = stepsOf(client);
  await client.handshake();
  await client.write(up);
  const received = await readExactly(client, DOWN);
  await client.shutdown();
  expect(await client.read()).toBeNull();
  const { peerCertificates: _, ...negotiated } = client.negotiated!;
  return {
    clientSteps: await clientSteps,
    serverSteps: await serverSteps,
    negotiated,
    up: await sha256(await served),
    down: await sha256(received),
    closes: [await firstValueFrom(client.close$), await firstValueFrom(server.close$)],
  };
}

describe('chunking', () => {
  let reference: Outcome;
  beforeAll(async () => {
    const { a, b } = memoryConnPair([1 << 20], [1 << 20]); // whole writes, whole reads
    reference = await exchange(a, b);
    expect(reference.up).toBe(await sha256(up));
    expect(reference.down).toBe(await sha256(down));
    expect(reference.closes).toEqual([{ clean: true }, { clean: true }]);
    expect(reference.negotiated).toMatchObject({ alpn: 'chunks', resumed: false });
  });

  const size = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 6000 }), fc.integer({ min: 1, max: 70_000 }));
  const sizes = fc.array(size, { minLength: 1, maxLength: 12 });

  it('in memory: random read sizes and partial writes in both directions change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, sizes, async (aToB, bToA) => {
        const pair = memoryConnPair(aToB, bToA);
        const outcome = await exchange(pair.a, pair.b);
        expect(outcome).toEqual(reference);
        // The same bytes crossed as records, only cut differently: the totals match too.
        expect(concat(pair.aToB.log).length).toBeGreaterThan(UP);
      }),
      { numRuns: 40 },
    );
  });

  describe('over TCP through a relay that re-chunks', () => {
    /** Listeners of a failed run, closed at the end (a passing run closes its own). */
    const relays: { close(): void }[] = [];
    afterAll(() => {
      for (const r of relays) {
        try {
          r.close();
        } catch {
          // closed by its run
        }
      }
    });

    /** Forward `from` to `to`, writing what each read brought in pieces of the next sizes. */
    async function forward(from: DenoConn, to: DenoConn & { closeWrite(): Promise<void> }, cuts: readonly number[]): Promise<void> {
      const buffer = new Uint8Array(65536);
      let i = 0;
      try {
        for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
          for (let at = 0; at < n; ) {
            const piece = Math.min(n - at, cuts[i++ % cuts.length]!);
            for (let done = 0; done < piece; ) done += await to.write(buffer.subarray(at + done, at + piece));
            at += piece;
          }
        }
        await to.closeWrite();
      } catch {
        // the other side went away
      }
    }

    it('real sockets: the same outcome for random cuts (TCP_NODELAY on the relay, so pieces leave as segments)', async () => {
      await fc.assert(
        fc.asyncProperty(sizes, sizes, async (aToB, bToA) => {
          const front = Deno.listen({ hostname: '127.0.0.1', port: 0 });
          const back = Deno.listen({ hostname: '127.0.0.1', port: 0 });
          relays.push(front, back);
          const relayed = (async () => {
            const [inbound, outbound] = await Promise.all([front.accept(), Deno.connect({ hostname: '127.0.0.1', port: portOf(back.addr) })]);
            inbound.setNoDelay(true);
            outbound.setNoDelay(true);
            await Promise.all([forward(inbound, outbound, aToB), forward(outbound, inbound, bToA)]);
            inbound.close();
            outbound.close();
          })();
          const [clientTcp, serverTcp] = await Promise.all([Deno.connect({ hostname: '127.0.0.1', port: portOf(front.addr) }), back.accept()]);
          const outcome = await exchange(clientTcp, serverTcp);
          expect(outcome).toEqual(reference);
          await relayed;
          front.close();
          back.close();
        }),
        { numRuns: 8 },
      );
    });
  });
});
