// createServer(): server-role TlsSockets, against rxtls's own client and node:tls.
import { once } from 'node:events';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HandshakeTimeoutError, TlsError, type HandshakeEvent } from '@rxtls/core';
import { connect, createServer, TlsSocket, type TlsServer, type TlsOptions } from '../src/index.ts';
import { createTlsServer } from '../src/low-level.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const servers: TlsServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** An echo server (each socket piped to itself) listening on 127.0.0.1:0. */
async function echoServer(extra: Partial<TlsOptions> = {}): Promise<{ server: TlsServer; port: number; accepted: TlsSocket[] }> {
  const accepted: TlsSocket[] = [];
  const server = createServer({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem, ...extra }, (socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, accepted };
}

/** Resolves at 'close' (`events.once` would reject on the 'error' that comes first). */
function closed(socket: TlsSocket): Promise<void> {
  // `closed` turns true a tick before 'close' is emitted: wait for the event itself.
  const closeEmitted = (socket as unknown as { _readableState?: { closeEmitted?: boolean } })._readableState?.closeEmitted === true;
  return new Promise((resolve) => (closeEmitted ? resolve() : socket.once('close', () => resolve())));
}

/** Write `text`, end, and collect everything until the server's close_notify. */
async function roundTrip(socket: TlsSocket, text: string): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.end(text);
  await once(socket, 'end');
  return Buffer.concat(chunks).toString();
}

describe('createServer with the rxtls client', () => {
  it('accepts a server-role TlsSocket that reports what was negotiated, and echoes', async () => {
    const { port, accepted } = await echoServer({ ALPNProtocols: ['h2', 'http/1.1'] });
    const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
    await client.established;
    expect(await roundTrip(client, 'hello rxtls server')).toBe('hello rxtls server');

    const server = accepted[0]!;
    expect(server).toBeInstanceOf(TlsSocket);
    expect(server.role).toBe('server');
    expect(client.role).toBe('client');
    expect(server.getProtocol()).toBe('TLSv1.3');
    expect(server.getCipher()?.name).toBe(client.getCipher()?.name);
    expect(server.alpnProtocol).toBe('http/1.1');
    expect(server.servername).toBe('localhost');
    expect(server.getPeerCertificate()).toEqual({}); // no client certificate
    const negotiated = await server.established;
    expect(negotiated.group).toBe((await client.established).group);
    const steps = (await lastValueFrom(server.handshake$.pipe(toArray()))).map((e: HandshakeEvent) => e.type);
    expect(steps.at(-1)).toBe('established');
    const closed = await firstValueFrom(server.close$);
    expect(closed.clean).toBe(true);
  });

  it('gives servername undefined when the client sent no SNI (an IP address)', async () => {
    const { port, accepted } = await echoServer();
    const client = connect({ host: '127.0.0.1', port, ca: pki.rootPem, checkServerIdentity: () => undefined, rejectUnauthorized: false });
    await client.established;
    expect(await roundTrip(client, 'x')).toBe('x');
    expect(accepted[0]!.servername).toBeUndefined();
  });

  it('serves through the web streams of the server-role socket', async () => {
    const server = createServer({ certificates: [{ chain: [pki.servers.ed25519.certPem, pki.intermediatePem], key: pki.servers.ed25519.keyPem }] }, (socket) => {
      socket.on('error', () => undefined);
      void socket.web.readable.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform: (c, ctl) => ctl.enqueue(new TextEncoder().encode(new TextDecoder().decode(c).toUpperCase())) })).pipeTo(socket.web.writable);
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'localhost', ca: pki.rootPem });
    expect(await roundTrip(client, 'shout')).toBe('SHOUT');
    expect((await client.established).signatureScheme).toBe('ed25519');
  });

  it("emits 'keylog' with the socket, and the socket's keylog$ lines match the client's", async () => {
    const { server, port } = await echoServer();
    const serverLines: string[] = [];
    server.on('keylog', (line: Buffer, socket: TlsSocket) => {
      expect(socket).toBeInstanceOf(TlsSocket);
      serverLines.push(line.toString().trim());
    });
    const clientLines: string[] = [];
    const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, keylog: (l) => clientLines.push(l) });
    expect(await roundTrip(client, 'k')).toBe('k');
    expect(serverLines.length).toBeGreaterThanOrEqual(4);
    expect(new Set(serverLines)).toEqual(new Set(clientLines));
  });
});

describe('createServer with node:tls', () => {
  it('completes a handshake with node:tls, with ALPN, and echoes', async () => {
    const { port } = await echoServer({ ALPNProtocols: ['http/1.1'], cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] });
    const client = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
    await once(client, 'secureConnect');
    expect(client.getProtocol()).toBe('TLSv1.3');
    expect(client.getCipher().name).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(client.alpnProtocol).toBe('http/1.1');
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    client.end('from node');
    await once(client, 'end');
    expect(Buffer.concat(chunks).toString()).toBe('from node');
  });

  it("reports a failed handshake as 'tlsClientError' (error, socket) and keeps serving", async () => {
    const { server, port } = await echoServer();
    const failed = once(server, 'tlsClientError');
    const raw = netConnect({ host: '127.0.0.1', port });
    raw.on('error', () => undefined);
    raw.end('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const [error, socket] = (await failed) as [Error, TlsSocket];
    expect(error).toBeInstanceOf(TlsError);
    expect(socket).toBeInstanceOf(TlsSocket);
    await closed(socket);

    const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
    expect(await roundTrip(client, 'still here')).toBe('still here');
  });

  it("fails a client that never finishes its handshake after handshakeTimeout ('tlsClientError')", async () => {
    const { server, port } = await echoServer({ handshakeTimeout: 150 });
    const failed = once(server, 'tlsClientError');
    const raw = netConnect({ host: '127.0.0.1', port });
    raw.on('error', () => undefined);
    const started = Date.now();
    const [error, socket] = (await failed) as [Error, TlsSocket];
    expect(error).toBeInstanceOf(HandshakeTimeoutError);
    expect(error.message).toMatch(/handshake not finished after 150 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await closed(socket);
    expect(server.tlsSockets.size).toBe(0);
    raw.destroy();
  });

  it('a client whose server accepts TCP and says nothing fails after its handshakeTimeout (HandshakeTimeoutError)', async () => {
    const silent = createNetServer((s) => s.on('error', () => undefined)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const client = connect({ host: '127.0.0.1', port: (silent.address() as AddressInfo).port, servername: 'localhost', ca: pki.rootPem, handshakeTimeout: 150 });
      client.on('error', () => undefined);
      const err = await client.established.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HandshakeTimeoutError);
      expect((err as HandshakeTimeoutError).code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT'); // node:tls's code (core's own is ETIMEDOUT)
      await closed(client);
      expect(client.destroyed).toBe(true);
    } finally {
      silent.close();
    }
  });

  it('rejects a bad option set at creation', () => {
    expect(() => createServer({ cert: pki.servers.p256.certPem })).toThrow(/cert.*key/);
    expect(() => createServer({})).toThrow(/needs/);
  });
});

describe('closing', () => {
  it('close() stops accepting, lets an open connection finish, then emits close', async () => {
    const { server, port } = await echoServer();
    const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
    await client.established;
    let closed = false;
    server.close(() => (closed = true));
    // New connections are refused...
    const refused = netConnect({ host: '127.0.0.1', port });
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
    // ...the open one still works.
    client.write('after close()');
    const [echoed] = (await once(client, 'data')) as [Buffer];
    expect(echoed.toString()).toBe('after close()');
    expect(closed).toBe(false);
    client.end();
    await once(server, 'close');
    expect(closed).toBe(true);
  });

  it('closeAllConnections() destroys the open connections', async () => {
    const { server, port, accepted } = await echoServer();
    const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
    client.on('error', () => undefined);
    await client.established;
    while (accepted.length === 0) await new Promise((r) => setTimeout(r, 5));
    const done = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await done;
    await closed(client);
    expect(accepted[0]!.destroyed).toBe(true);
    expect(server.tlsSockets.size).toBe(0);
  });
});

describe('createTlsServer (TlsSession per connection)', () => {
  it('still serves a session', async () => {
    const server = createTlsServer({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] }, (session) => {
      void (async () => {
        try {
          await session.handshake();
          for (let c = await session.read(); c !== null; c = await session.read()) await session.write(c);
          await session.shutdown();
        } catch {
          // judged by the client
        } finally {
          session.destroy();
        }
      })();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'localhost', ca: pki.rootPem });
      expect(await roundTrip(client, 'session')).toBe('session');
    } finally {
      server.close();
    }
  });
});
