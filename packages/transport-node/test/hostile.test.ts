// Hostile clients against an rxtls server on real sockets: each flood, oversize claim and
// garbage stream ends that connection with the right fatal alert, which reaches the attacker,
// and a well-behaved client is served meanwhile.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandshakeType, TlsError, alertName, concat, type TlsSession } from '@rxtls/core';
import type { RecordForge } from '@rxtls/core/testing';
import { forgeAfterHandshake } from './support/hostile-client.ts';
import { limits } from '@rxtls/core';
import { connect, createServer, type TlsServer } from '../src/index.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';

let pki: TestPki;
let server: TlsServer;
let port: number;
/** What failed on the server's side of each connection. */
const serverErrors: Error[] = [];
beforeAll(async () => {
  pki = await getTestPki();
  server = createServer({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }, (socket) => {
    socket.on('error', (err: Error) => serverErrors.push(err));
    socket.pipe(socket);
  });
  server.on('tlsClientError', (err: Error) => serverErrors.push(err));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A client that completes the handshake honestly and then forges records under its own keys. */
async function hostileClient(): Promise<{ raw: Socket; session: TlsSession; forge: RecordForge }> {
  const raw = netConnect(port, '127.0.0.1');
  return { raw, ...(await forgeAfterHandshake(raw, pki.rootPem)) };
}

/** Reads until the server's alert: the TlsError it carried. */
async function serverAlert(session: TlsSession): Promise<TlsError> {
  for (;;) {
    try {
      if ((await session.read()) === null) throw new Error('clean close instead of an alert');
    } catch (err) {
      if (err instanceof TlsError) return err;
      throw err;
    }
  }
}

/** A good client's round trip, started while an attack runs. */
async function goodClient(): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.end('served');
  await once(socket, 'close');
  return Buffer.concat(chunks).toString();
}

/** Everything a raw socket receives until the server closes it. */
async function received(raw: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  raw.on('data', (c: Buffer) => chunks.push(c));
  raw.on('error', () => undefined);
  await once(raw, 'close');
  return Buffer.concat(chunks);
}

/** The plaintext fatal alert at the end of what the server sent. */
function lastPlaintextAlert(bytes: Buffer): string {
  const tail = bytes.subarray(bytes.length - 7);
  expect([...tail.subarray(0, 6)]).toEqual([21, 3, 3, 0, 2, 2]);
  return alertName(tail[6]!);
}

describe('floods after the handshake: the right alert, and a good client is served meanwhile', () => {
  const floods: [string, (forge: RecordForge) => Uint8Array, RegExp][] = [
    ['empty records', (f) => concat(...Array.from({ length: 5000 }, () => f.data())), /empty records/],
    ['user_canceled warning alerts', (f) => concat(...Array.from({ length: 5000 }, () => f.alert(1, 90))), /warning alerts/],
    ['KeyUpdate(update_requested)', (f) => concat(...Array.from({ length: 5000 }, () => f.keyUpdate(true))), /KeyUpdate/],
  ];
  for (const [what, flood, why] of floods) {
    it(`${what}: unexpected_message`, async () => {
      const { raw, session, forge } = await hostileClient();
      raw.write(flood(forge));
      const [alert, served] = await Promise.all([serverAlert(session), goodClient()]);
      expect(alert.origin).toBe('peer');
      expect(alert.alertName).toBe('unexpected_message');
      expect(served).toBe('served');
      expect(serverErrors.some((e) => why.test(e.message))).toBe(true);
      session.destroy();
    });
  }

  it('a handshake message the server never takes after the handshake (NewSessionTicket): unexpected_message', async () => {
    const { raw, session, forge } = await hostileClient();
    raw.write(forge.handshake(Uint8Array.of(HandshakeType.new_session_ticket, 0, 0, 0)));
    const alert = await serverAlert(session);
    expect(alert.alertName).toBe('unexpected_message');
    session.destroy();
  });
});

describe('before authentication: refused at the header, alert delivered', () => {
  const rawConnection = async (): Promise<Socket> => {
    const raw = netConnect(port, '127.0.0.1');
    await once(raw, 'connect');
    return raw;
  };
  const headerRecord = (type: number, length: number): Buffer =>
    Buffer.concat([Buffer.from([22, 3, 1, 0x40, 0x00, type, length >> 16, (length >> 8) & 0xff, length & 0xff]), Buffer.alloc(0x4000 - 4)]);

  it('a Finished header claiming 256 KiB as the first message: unexpected_message', async () => {
    const raw = await rawConnection();
    const got = received(raw);
    raw.write(headerRecord(HandshakeType.finished, 262_144));
    expect(lastPlaintextAlert(await got)).toBe('unexpected_message');
  });

  it(`a ClientHello claiming more than ${limits.DEFAULT_HANDSHAKE_SIZE_LIMITS.clientHello} bytes: decode_error, before the rest arrives`, async () => {
    const raw = await rawConnection();
    const got = received(raw);
    raw.write(headerRecord(HandshakeType.client_hello, 200_000));
    expect(lastPlaintextAlert(await got)).toBe('decode_error');
  });

  it('garbage after a record header, on 100 connections at once: every one gets an alert and is closed; a good client is served', async () => {
    const attacks = Array.from({ length: 100 }, async () => {
      const raw = await rawConnection();
      const got = received(raw);
      raw.write(Buffer.concat([Buffer.from([22, 3, 1, 0x40, 0x00]), randomBytes(0x4000)]));
      // More garbage keeps coming: the lingering close reads and drops it.
      raw.write(randomBytes(64 * 1024), () => undefined);
      return got;
    });
    const [results, served] = await Promise.all([Promise.all(attacks), goodClient()]);
    expect(served).toBe('served');
    const alerts = results.map((bytes) => lastPlaintextAlert(bytes));
    expect(alerts.every((a) => a === 'unexpected_message' || a === 'decode_error')).toBe(true);
  });
});
