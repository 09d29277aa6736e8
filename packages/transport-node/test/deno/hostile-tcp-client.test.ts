// Over TCP: while one client sends garbage (or a ClientHello cut short, or nothing), the rxtls
// server goes on serving well-behaved clients, and answers the garbage with an alert.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsSession } from '@rxtls/core';
import { createTlsServer } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';

let pki: TestPki;
let server: Server;
let port: number;
const failures: string[] = [];

beforeAll(async () => {
  pki = await getTestPki();
  server = createTlsServer({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] }, (session: TlsSession) => {
    void (async () => {
      try {
        await session.handshake();
        for (let c = await session.read(); c !== null; c = await session.read()) await session.write(c);
        await session.shutdown();
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      } finally {
        session.destroy();
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server?.close());

/** A raw TCP client: write `bytes`, collect what comes back until the server closes. */
async function raw(bytes: Uint8Array): Promise<Buffer> {
  const s: Socket = netConnect(port, '127.0.0.1');
  await once(s, 'connect');
  const got: Buffer[] = [];
  s.on('data', (d: Buffer) => got.push(d));
  s.on('error', () => undefined);
  s.write(bytes);
  await once(s, 'close');
  return Buffer.concat(got);
}

/** A node:tls client that echoes 64 KiB through the server. */
async function goodClient(): Promise<void> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, minVersion: 'TLSv1.3' });
  await once(socket, 'secureConnect');
  const data = randomBytes(64 * 1024);
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve) =>
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= data.length) resolve();
    }),
  );
  socket.write(data);
  await done;
  expect(Buffer.concat(chunks).equals(data)).toBe(true);
  socket.end();
  await once(socket, 'close');
}

describe('rxtls server under hostile TCP clients', () => {
  it('answers garbage with a fatal alert and closes, while good clients are served', async () => {
    const garbage = [
      randomBytes(3000), // random bytes: a bad record header
      Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x30]), Buffer.from([1, 0, 0, 0x2c]), randomBytes(0x2c)]), // a ClientHello of random bytes
      Buffer.from([0x17, 0x03, 0x03, 0x00, 0x10, ...randomBytes(16)]), // application data first
    ];
    const [answers] = await Promise.all([Promise.all(garbage.map((g) => raw(g))), goodClient(), goodClient(), goodClient()]);
    for (const a of answers) {
      expect(a.length).toBeGreaterThanOrEqual(7);
      expect(a[a.length - 7]).toBe(21); // an alert record
      expect(a[a.length - 2]).toBe(2); // fatal
    }
    await goodClient(); // and after all that, still serving
    expect(failures.length).toBeGreaterThanOrEqual(garbage.length);
  }, 30_000);

  it('a client that stops mid-ClientHello does not hold up others', async () => {
    const stalled = netConnect(port, '127.0.0.1');
    await once(stalled, 'connect');
    stalled.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 1, 0, 1, 0xfc, 3, 3]));
    await Promise.all([goodClient(), goodClient()]);
    stalled.destroy();
  }, 30_000);
});
