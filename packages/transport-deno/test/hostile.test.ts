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
  const conn = await connect({ conn: tcp, servername: 'localhost', ca: pki.rootPem, keylog: (line) => lines.push(line) });
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
  const conn = await connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
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
