// Node's own TLS client resumes against an rxtls server with the `session` it was given
// (the NewSessionTicket rxtls issued), and the rxtls server reports `resumed`.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Server } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NegotiatedParameters, TlsSession } from '@rxtls/core';
import { createTlsServer } from '../src/low-level.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';

let pki: TestPki;
let server: Server;
let port = 0;
const seen: NegotiatedParameters[] = [];

beforeAll(async () => {
  pki = await getTestPki();
  server = createTlsServer({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] }, (session: TlsSession) => {
    void (async () => {
      try {
        seen.push(await session.handshake());
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
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server?.close());

/** Connect, echo 1 MiB, collect the session Node offers for resumption, close. */
async function roundTrip(session?: Buffer): Promise<{ reused: boolean; next: Buffer | undefined }> {
  const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, minVersion: 'TLSv1.3', ...(session ? { session } : {}) });
  let next: Buffer | undefined;
  socket.on('session', (s: Buffer) => (next ??= s));
  await once(socket, 'secureConnect');
  const data = randomBytes(1024 * 1024);
  let got = 0;
  const chunks: Buffer[] = [];
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
  const reused = socket.isSessionReused();
  socket.end();
  await once(socket, 'close');
  return { reused, next };
}

describe('node:tls client resumption against the rxtls server', () => {
  it("resumes with Node's `session` option; both sides say so; 1 MiB echoed each time", async () => {
    const first = await roundTrip();
    expect(first.reused).toBe(false);
    expect(first.next).toBeDefined();
    const before = seen.length;
    const second = await roundTrip(first.next);
    expect(second.reused).toBe(true);
    expect(seen[before]?.resumed).toBe(true);
  });
});
