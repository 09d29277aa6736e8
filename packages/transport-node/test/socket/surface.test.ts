// Members of tls.TLSSocket that libraries rely on, side by side with node:tls: the same
// exchange made with a node:tls socket and with an rxtls socket, and what each reports compared.
import { once } from 'node:events';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsClientContext } from '@rxtls/core';
import { connect, createServer, type TlsServer, type TlsSocket } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { serverCredentials, startNodeTlsServer, type NodeTlsServer } from './support/node-server.ts';

let pki: TestPki;
let echo: NodeTlsServer;
beforeAll(async () => {
  pki = await getTestPki();
  echo = await startNodeTlsServer(pki, (s) => s.pipe(s), { minVersion: 'TLSv1.2' });
});
afterAll(() => echo?.close());

const nodeClient = (extra: Record<string, unknown> = {}): TLSSocket => tlsConnect({ host: '127.0.0.1', port: echo.port, servername: 'localhost', ca: pki.rootPem, ...extra });
const rxtlsClient = (extra: Record<string, unknown> = {}): TlsSocket => connect({ host: '127.0.0.1', port: echo.port, servername: 'localhost', ca: pki.rootPem, ...extra });

describe('tls.TLSSocket members, side by side with node:tls', () => {
  it("pending and readyState before and after the connection; 'ready' after 'connect'", async () => {
    for (const make of [nodeClient, rxtlsClient] as const) {
      const socket = make();
      const seen = { pending: socket.pending, readyState: socket.readyState };
      const ready = once(socket, 'ready');
      await once(socket, 'secureConnect');
      await ready;
      expect(seen).toEqual({ pending: true, readyState: 'opening' });
      expect({ pending: socket.pending, readyState: socket.readyState }).toEqual({ pending: false, readyState: 'open' });
      socket.destroy();
      await once(socket, 'close');
      expect(socket.readyState).toBe('closed');
    }
  });

  it('bytesRead and bytesWritten count application data, as node:tls does (0 after the handshake, then what was echoed)', async () => {
    for (const make of [nodeClient, rxtlsClient] as const) {
      const socket = make();
      await once(socket, 'secureConnect');
      const before = { read: socket.bytesRead, written: socket.bytesWritten };
      await new Promise<void>((resolve) => socket.write(Buffer.alloc(10_000, 1), () => resolve()));
      let got = 0;
      while (got < 10_000) got += ((await once(socket, 'data')) as [Buffer])[0].length;
      expect(before).toEqual({ read: 0, written: 0 });
      expect({ read: socket.bytesRead, written: socket.bytesWritten }).toEqual({ read: 10_000, written: 10_000 });
      socket.destroy();
    }
  });

  it("'close' carries hadError: false after a clean end, true after an error", async () => {
    // once() would reject on 'error': listen to 'close' itself.
    const closeArgument = (socket: TLSSocket | TlsSocket): Promise<unknown> => new Promise((resolve) => socket.on('close', (hadError: unknown) => resolve(hadError)));
    for (const make of [nodeClient, rxtlsClient] as const) {
      const clean = make();
      await once(clean, 'secureConnect');
      const cleanClose = closeArgument(clean);
      clean.end();
      clean.resume();
      expect(await cleanClose).toBe(false);
      const failing = make();
      failing.on('error', () => undefined);
      await once(failing, 'secureConnect');
      const failedClose = closeArgument(failing);
      failing.destroy(new Error('gone'));
      expect(await failedClose).toBe(true);
    }
  });

  it('getEphemeralKeyInfo() names the group as node:tls does (X25519, P-256, P-384), {} on a server', async () => {
    for (const [group, curve] of [['x25519', 'X25519'], ['secp256r1', 'P-256'], ['secp384r1', 'P-384']] as const) {
      const theirs = nodeClient({ ecdhCurve: curve });
      const ours = rxtlsClient({ groups: [group] });
      await Promise.all([once(theirs, 'secureConnect'), once(ours, 'secureConnect')]);
      expect(ours.getEphemeralKeyInfo()).toEqual(theirs.getEphemeralKeyInfo());
      theirs.destroy();
      ours.destroy();
    }
  });

  it('isSessionReused(): false on a full handshake, true on a resumed one (TLS 1.3 tickets and TLS 1.2), as node:tls reports on its side', async () => {
    const serverSaw: boolean[] = [];
    const peer = await startNodeTlsServer(pki, (s) => {
      serverSaw.push(s.isSessionReused());
      s.pipe(s);
    }, { minVersion: 'TLSv1.2' });
    try {
      for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
        serverSaw.length = 0;
        const context = new TlsClientContext({ ca: pki.rootPem, maxVersion });
        const open = (): TlsSocket => connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', context });
        const first = open();
        await once(first, 'secureConnect');
        first.write('x'); // a TLS 1.3 ticket arrives after the handshake: let it in before closing
        await once(first, 'data');
        await new Promise((r) => setTimeout(r, 50));
        const closed = new Promise((r) => first.on('close', r));
        first.end();
        await closed;
        const second = open();
        await once(second, 'secureConnect');
        second.write('y');
        await once(second, 'data');
        expect([first.isSessionReused(), second.isSessionReused()], maxVersion).toEqual([false, true]);
        expect(serverSaw, maxVersion).toEqual([false, true]);
        second.destroy();
      }
    } finally {
      await peer.close();
    }
  });
});

describe('server sockets: socket.server', () => {
  let server: TlsServer;
  let port: number;
  beforeAll(async () => {
    server = createServer({ ...serverCredentials(pki), ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => socket.resume());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('socket.server is the TlsServer that accepted it', async () => {
    // Before http2 takes the socket (node:http sets socket.server to itself, with node:tls too).
    const seen = new Promise<TlsSocket>((resolve) => server.prependOnceListener('secureConnection', (s: TlsSocket) => resolve(s)));
    const client = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
    const socket = await seen;
    expect(socket.server).toBe(server);
    client.destroy();
  });
});
