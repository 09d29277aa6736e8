// Handshake timeouts of `rxtls connect` and `rxtls serve` (--timeout SECONDS), and connect's
// exit once the server has closed while its stdin is still open: on Node and on Deno.
import { createServer as createNetServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { createServer as createRxtlsServer } from '../../transport-node/src/index.ts';
import { RUNTIMES, rxtls, serve } from './support/runtimes.ts';

/** Stdin stays open for the whole run: this never shows up on stdout. */
const KEEP_STDIN_OPEN = { endAfter: '\u0000never\u0000' };

let pki: TestPki;
let silent: Server;
const silentSockets = new Set<Socket>();
beforeAll(async () => {
  pki = await getTestPki();
  // Accepts TCP and never says a word.
  silent = createNetServer((s) => {
    silentSockets.add(s);
    s.on('close', () => silentSockets.delete(s));
  }).listen(0, '127.0.0.1');
  await once(silent, 'listening');
});
afterAll(() => {
  for (const s of silentSockets) s.destroy();
  silent?.close();
});

/**
 * A server that sends `greeting` and then closes: with close_notify (`end`: an rxtls server,
 * since node:tls's `end()` here cuts TCP without one) or by cutting TCP (`cut`: node:tls
 * destroying its socket).
 */
async function closingServer(how: 'end' | 'cut', greeting: string): Promise<{ port: number; close: () => void }> {
  const cert = `${pki.servers.p256.certPem}${pki.intermediatePem}`;
  const key = pki.servers.p256.keyPem;
  const server =
    how === 'end'
      ? createRxtlsServer({ cert, key }, (socket) => {
          socket.on('error', () => undefined);
          socket.end(greeting);
        })
      : createTlsServer({ cert, key }, (socket: TLSSocket) => {
          socket.on('error', () => undefined);
          socket.write(greeting, () => setTimeout(() => socket.destroy(), 50));
        });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

describe.each(RUNTIMES)('timeouts and closing of the CLI on $name', (runtime) => {
  it.skipIf(runtime.problem !== undefined)('connect --timeout: a server that accepts TCP and says nothing fails the handshake with exit 1', async () => {
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const r = await rxtls(runtime, ['connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--timeout', '0.3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rxtls connect: tls: handshake not finished after 300 ms$/m);
    expect(Date.now() - started).toBeLessThan(20_000); // not the 30 s default
  });

  it.skipIf(runtime.problem !== undefined)('connect: a bad --timeout is a usage error (exit 2)', async () => {
    const r = await rxtls(runtime, ['connect', '127.0.0.1:1', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad --timeout "soon"');
  });

  it.skipIf(runtime.problem !== undefined)('serve --timeout: a client that opens TCP and sends nothing is dropped, and the server goes on', async () => {
    // 1.5 s: short for the test, long enough for a real handshake on a loaded machine (the
    // well-behaved client below must not be cut by it).
    const server = await serve(runtime, ['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--echo', '--timeout', '1.5']);
    try {
      const idle = netConnect(server.port, '127.0.0.1');
      idle.on('error', () => undefined);
      idle.resume();
      await once(idle, 'close'); // the server gave up on it
      expect(await server.waitForStderr(/handshake failed: tls: handshake not finished after 1500 ms/)).toMatch(/handshake failed: tls: handshake not finished after 1500 ms/);
      const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath], 'still serving\n', { endAfter: 'still serving\n' });
      expect(r.stdout).toBe('still serving\n');
      expect(r.code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(runtime.problem !== undefined)('connect exits 0 after the server\'s close_notify although stdin is still open', async () => {
    const server = await closingServer('end', 'bye\n');
    try {
      const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath], '', KEEP_STDIN_OPEN);
      expect(r.stdout).toBe('bye\n');
      expect(r.stderr).toContain('closed: server sent close_notify');
      expect(r.code).toBe(0);
    } finally {
      server.close();
    }
  });

  it.skipIf(runtime.problem !== undefined)('connect exits 1 when the server cuts TCP without close_notify, stdin still open', async () => {
    const server = await closingServer('cut', 'bye\n');
    try {
      const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath], '', KEEP_STDIN_OPEN);
      expect(r.stdout).toBe('bye\n');
      expect(r.stderr).toMatch(/^rxtls connect: tls: .*close_notify|truncat/m);
      expect(r.code).toBe(1);
    } finally {
      server.close();
    }
  });
});
