// transport-web on Node: TLS over a pair of web streams (client and server in one process) and
// over a WebSocket through the example bridge to a real rxtls server on loopback.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { WebSocket } from 'ws';
import { CertificateError, UsageError, type HandshakeEvent } from '@rxtls/core';
import { createServer, type TlsServer } from '@rxtls/transport-node';
import { startBridge, type Bridge } from '../../../examples/ws-bridge/bridge.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { accept, connect, type WebSocketLike } from '../src/index.ts';

let pki: TestPki;
let server: TlsServer;
let target: string;
let bridge: Bridge;

const MiB = 1024 * 1024;
const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

async function readExactly(read: () => Promise<Uint8Array | null>, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const chunk = await read();
    if (chunk === null) throw new Error(`ended after ${at} of ${n} bytes`);
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

beforeAll(async () => {
  pki = await getTestPki();
  // An echo server: what comes in goes back.
  server = createServer({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }, (socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `127.0.0.1:${(server.address() as { port: number }).port}`;
  bridge = await startBridge({ allow: [target] });
});

afterAll(async () => {
  await bridge?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Two web stream pairs joined back to back: what one writes the other reads. */
function streamPipe(): { a: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }; b: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } } {
  const ab = new TransformStream<Uint8Array, Uint8Array>();
  const ba = new TransformStream<Uint8Array, Uint8Array>();
  return { a: { readable: ba.readable, writable: ab.writable }, b: { readable: ab.readable, writable: ba.writable } };
}

describe('transport-web over web streams', () => {
  it('a client and a server over a stream pair: handshake$ observed, 1 MiB each way, clean close on both sides', async () => {
    const { a, b } = streamPipe();
    const srv = accept({ streams: b, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem });
    const clientPromise = connect({ streams: a, servername: 'localhost', ca: pki.rootPem, handshake: false });
    const client = await clientPromise;
    const steps = lastValueFrom(client.handshake$.pipe(toArray()));
    const negotiated = await client.handshake();
    expect(negotiated.version).toBe('TLSv1.3');
    expect(client.authorized).toBe(true);
    expect((await steps).map((e: HandshakeEvent) => e.type)).toContain('established');

    const up = pattern(MiB, 1);
    const down = pattern(MiB, 2);
    const [serverGot] = await Promise.all([readExactly(() => srv.read(), MiB), client.write(up)]);
    expect(serverGot).toEqual(up);
    const [clientGot] = await Promise.all([readExactly(() => client.read(), MiB), srv.write(down)]);
    expect(clientGot).toEqual(down);

    const serverEnd = srv.read(); // null at the client's close_notify; the server answers with its own
    expect(await client.close()).toEqual({ clean: true });
    expect(await serverEnd).toBeNull();
    expect(await firstValueFrom(srv.close$)).toEqual({ clean: true });
  });

  it('a wrong name fails the handshake with a CertificateError (and the server sees the alert)', async () => {
    const { a, b } = streamPipe();
    const srv = accept({ streams: b, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem });
    await expect(connect({ streams: a, servername: 'wrong.example', ca: pki.rootPem })).rejects.toBeInstanceOf(CertificateError);
    await expect(srv.established).rejects.toThrow(/bad_certificate|certificate/);
  });

  it('option mistakes are usage errors before any I/O', async () => {
    const { a } = streamPipe();
    await expect(connect({ streams: a, servername: 'localhost' })).rejects.toBeInstanceOf(UsageError); // no ca
    await expect(connect({ servername: 'localhost', ca: pki.rootPem })).rejects.toBeInstanceOf(UsageError); // no transport
  });
});

describe('transport-web over a WebSocket through the example bridge', () => {
  const open = (query: string): WebSocketLike => new WebSocket(`${bridge.url}?target=${query}`) as unknown as WebSocketLike;

  it('reaches the rxtls server: verified, 1 MiB echoed, clean close', async () => {
    const conn = await connect({ webSocket: open(target), servername: 'localhost', ca: pki.rootPem });
    expect(conn.authorized).toBe(true);
    const data = pattern(MiB, 3);
    const [echoed] = await Promise.all([readExactly(() => conn.read(), MiB), conn.write(data)]);
    expect(echoed).toEqual(data);
    const closed = await conn.close();
    expect(closed.error).toBeUndefined();
  });

  it('a target off the allow-list is refused before the upgrade: the connection fails with a transport error', async () => {
    await expect(connect({ webSocket: open('127.0.0.1:22'), servername: 'localhost', ca: pki.rootPem })).rejects.toThrow(/WebSocket/);
  });
});
