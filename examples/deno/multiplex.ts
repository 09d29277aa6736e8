/**
 * Many rxtls client connections (default 200) in one Deno process, driven by one `Selector` in
 * one loop, as examples/multiplex/thousand.ts does on Node: the same runtime-neutral steps
 * (../multiplex/client-steps.ts) and core's Selector, with transport-deno's `DenoReadiness`
 * as the readiness port. The peer is Deno's own TLS (`Deno.listenTls`, rustls), echoing each
 * connection and answering close_notify with its own.
 *
 *   cd examples/deno && deno run --allow-net multiplex.ts [count]
 *
 * Exit status: 0 every connection succeeded, 1 some failed, 64 bad arguments.
 */
import { Selector, TlsClientContext } from '@rxtls/core';
import { DenoReadiness } from '../../packages/transport-deno/src/low-level.ts';
import { clientDriver, newClient, runSelectLoop, type Client } from '../multiplex/client-steps.ts';
import { generateDemoPki } from '../support/generate-pki.ts';

/** The parts of the Deno API this example uses (declared here so that tsc checks the file too). */
interface DenoConnLike {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}
declare const Deno: {
  readonly args: readonly string[];
  exit(code: number): never;
  listenTls(options: { hostname: string; port: number; cert: string; key: string }): AsyncIterable<DenoConnLike> & { readonly addr: { port: number }; close(): void };
  connect(options: { hostname: string; port: number }): Promise<DenoConnLike & { setNoDelay(on: boolean): void }>;
};

/** select() gives up after this long without any connection making progress. */
const STALL_MS = 15_000;

const count = Deno.args[0] === undefined ? 200 : Number(Deno.args[0]);
if (!(Number.isInteger(count) && count > 0)) {
  console.error('usage: deno run --allow-net multiplex.ts [count]');
  Deno.exit(64);
}

/** rustls echo: copy every byte back; at the client's close_notify, send ours and close. */
async function echo(conn: DenoConnLike): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      for (let at = 0; at < n; ) at += await conn.write(buffer.subarray(at, n));
    }
    await conn.closeWrite();
  } catch {
    // a client that failed is reported on its side
  } finally {
    conn.close();
  }
}

const pki = await generateDemoPki();
const server = Deno.listenTls({ hostname: '127.0.0.1', port: 0, cert: pki.leafPem + pki.intermediatePem, key: pki.leafKeyPem });
void (async () => {
  try {
    for await (const conn of server) void echo(conn);
  } catch {
    // the listener was closed
  }
})();

console.log(`rxtls multiplex on Deno: ${count} TLS 1.3 connections, one Selector, one loop (peer: Deno.listenTls)`);
const context = new TlsClientContext({ ca: pki.rootPem });
const selector = new Selector<Client>();
const { advance, tally } = clientDriver(selector);

const start = performance.now();
// Deno.connect is a promise: open the TCP connections first, then every handshake starts at once.
const sockets = await Promise.all(Array.from({ length: count }, () => Deno.connect({ hostname: '127.0.0.1', port: server.addr.port })));
sockets.forEach((socket, id) => {
  socket.setNoDelay(true);
  advance(selector.register(context.connection({ serverName: 'localhost' }), new DenoReadiness(socket), newClient(id)));
});

const { selectCalls, stalled } = await runSelectLoop(selector, advance, STALL_MS);
const seconds = (performance.now() - start) / 1000;
selector.close();
server.close();

const succeeded = tally.succeeded;
const failed = count - succeeded;
console.log(`  connections       ${count}: ${succeeded} succeeded, ${failed} failed`);
for (const [reason, n] of tally.failures) console.log(`                    ${n} × ${reason}`);
if (stalled > 0) console.log(`                    ${stalled} × no progress for ${STALL_MS / 1000} s (stalled)`);
console.log(`  total time        ${seconds.toFixed(2)} s`);
console.log(`  handshakes/s      ${(succeeded / seconds).toFixed(1)}`);
console.log(`  select() calls    ${selectCalls}`);
Deno.exit(failed === 0 ? 0 : 1);
