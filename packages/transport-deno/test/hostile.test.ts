// Hostile clients against an rxtls server on Deno: floods after the handshake end in
// unexpected_message, which reaches the attacker, while a good client is served meanwhile
// (the work budget holds for the Deno port as for Node's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CipherSuite, TlsError, concat as concatBytes, nobleProvider } from '@rxtls/core';
import { RecordForge } from '@rxtls/core/testing';
import { connect, listen, type TlsConn, type TlsListener } from '../src/index.ts';
import { echo, readExactly, str, text } from './support/bytes.ts';
import { Deno, portOf } from './support/deno.ts';
import { getTestPki, type TestPki } from './support/pki.ts';

let pki: TestPki;
let listener: TlsListener;
let port: number;
beforeAll(async () => {
  pki = await getTestPki();
  listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }, async (conn) => {
    await echo(conn).catch(() => undefined);
  });
  port = portOf(listener.addr);
});
afterAll(async () => {
  listener?.close();
  listener?.closeAllConnections();
  await listener?.finished;
});

/** An honest handshake over our own TCP connection, then records forged under the client's keys. */
async function hostile(): Promise<{ conn: TlsConn; write: (bytes: Uint8Array) => Promise<void>; forge: RecordForge }> {
  const tcp = await Deno.connect({ hostname: '127.0.0.1', port });
  const lines: string[] = [];
  const conn = await connect({ conn: tcp, servername: 'localhost', caCerts: pki.rootPem, keylog: (line) => lines.push(line) });
  const suite = CipherSuite[conn.negotiated!.cipherSuite as keyof typeof CipherSuite];
  const write = async (bytes: Uint8Array): Promise<void> => {
    for (let at = 0; at < bytes.length; ) at += await tcp.write(bytes.subarray(at));
  };
  return { conn, write, forge: RecordForge.fromKeylog(nobleProvider, suite, lines, 'CLIENT_TRAFFIC_SECRET_0') };
}

/** The TlsError the server's alert became on the attacking connection. */
async function alertOf(conn: TlsConn): Promise<TlsError> {
  for (;;) {
    try {
      if ((await conn.read()) === null) throw new Error('a clean close instead of an alert');
    } catch (e) {
      if (e instanceof TlsError) return e;
      throw e;
    }
  }
}

async function goodClient(): Promise<string> {
  const conn = await connect({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem });
  await conn.write(text('served'));
  const got = str(await readExactly(conn, 6));
  await conn.close();
  return got;
}

describe('floods against an rxtls server on Deno', () => {
  const floods: [string, (f: RecordForge) => Uint8Array][] = [
    ['empty records', (f) => f.data()],
    ['user_canceled warning alerts', (f) => f.alert(1, 90)],
    ['KeyUpdate(update_requested)', (f) => f.keyUpdate(true)],
  ];
  for (const [what, make] of floods) {
    it(`5,000 ${what}: unexpected_message, and a good client is served meanwhile`, async () => {
      const { conn, write, forge } = await hostile();
      const burst = concatBytes(...Array.from({ length: 5000 }, () => make(forge)));
      const [alert, served] = await Promise.all([alertOf(conn), goodClient(), write(burst).catch(() => undefined)]);
      expect(alert.origin).toBe('peer');
      expect(alert.alertName).toBe('unexpected_message');
      expect(served).toBe('served');
      conn.destroy();
    });
  }
});

describe('garbage before the handshake, against an rxtls server on Deno', () => {
  it('50 connections sending a record header and random bytes each get a plaintext alert, then the close', async () => {
    const attacks = Array.from({ length: 50 }, async () => {
      const tcp = await Deno.connect({ hostname: '127.0.0.1', port });
      const garbage = new Uint8Array(5 + 16_384);
      garbage.set([22, 3, 1, 0x40, 0x00]);
      crypto.getRandomValues(garbage.subarray(5, 5 + 16_384));
      const writing = (async () => {
        for (let at = 0; at < garbage.length; ) at += await tcp.write(garbage.subarray(at));
      })().catch(() => undefined);
      const received: Uint8Array[] = [];
      const buf = new Uint8Array(4096);
      for (;;) {
        const n = await tcp.read(buf).catch(() => null);
        if (n === null) break;
        received.push(buf.slice(0, n));
      }
      await writing;
      tcp.close();
      return concatBytes(...received);
    });
    const results = await Promise.all(attacks);
    for (const bytes of results) {
      // The last record is a fatal plaintext alert: 21, 0x0303, length 2, level fatal.
      expect([...bytes.subarray(bytes.length - 7, bytes.length - 1)]).toEqual([21, 3, 3, 0, 2, 2]);
    }
    expect(await goodClient()).toBe('served');
  });
});
