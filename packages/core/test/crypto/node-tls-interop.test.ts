// Our key schedule and record AEAD against a real peer: a node:tls (OpenSSL) TLS 1.3 connection
// whose key log gives the traffic secrets. We decrypt the server's records from the wire with
// trafficKeys() + createAead(), and compare TLS-Exporter with node's exportKeyingMaterial().
import { connect, type Server } from 'node:net';
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TLS13_CIPHER_SUITES, type CipherSuiteParams } from '../../src/crypto/suites.ts';
import { exportKeyingMaterial, trafficKeys } from '../../src/crypto/key-schedule.ts';
import { fromHex, fromUtf8, toHex, utf8 } from '../../src/bytes/util.ts';
import { getTestPki, type TestPki } from '../support/pki.ts';

interface Capture {
  /** Every byte the server sent, as seen on the wire. */
  readonly fromServer: Uint8Array;
  /** NSS key log: label → secret. */
  readonly secrets: Map<string, Uint8Array>;
  readonly exported: Uint8Array;
}

const GREETING = 'hello from node:tls';
const LABEL = 'EXPERIMENTAL-rxtls-crypto-test';
const CONTEXT = utf8('some context');

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

/** One node:tls connection with `suite` only, through a recording Duplex. */
async function capture(suite: CipherSuiteParams): Promise<Capture> {
  const server = createTlsServer(
    { key: pki.servers.p256.keyPem, cert: pki.servers.p256.certPem, minVersion: 'TLSv1.3', ciphers: suite.name },
    (socket) => socket.end(GREETING),
  ) as unknown as Server;
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;

  const raw = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      raw.write(chunk, done);
    },
    final(done) {
      raw.end();
      done();
    },
  });
  raw.on('data', (d: Buffer) => {
    chunks.push(d);
    wire.push(d);
  });
  raw.on('end', () => wire.push(null));
  raw.on('error', (e) => wire.destroy(e));

  const secrets = new Map<string, Uint8Array>();
  const client: TLSSocket = tlsConnect({ socket: wire, rejectUnauthorized: false, servername: 'localhost', minVersion: 'TLSv1.3', ciphers: suite.name });
  client.on('keylog', (line: Buffer) => {
    const [label, , secret] = line.toString('latin1').trim().split(' ');
    secrets.set(label!, fromHex(secret!));
  });
  await once(client, 'secureConnect');
  expect(client.getCipher().standardName).toBe(suite.name);
  const exported = new Uint8Array(client.exportKeyingMaterial(40, LABEL, Buffer.from(CONTEXT)));
  let received = '';
  client.on('data', (d: Buffer) => (received += d.toString()));
  await once(client, 'end');
  expect(received).toBe(GREETING);
  client.destroy();
  raw.destroy();
  return { fromServer: new Uint8Array(Buffer.concat(chunks)), secrets, exported };
}

/** TLS records: [type, header, body]. */
function records(bytes: Uint8Array): { type: number; header: Uint8Array; body: Uint8Array }[] {
  const out = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    out.push({ type: bytes[at]!, header: bytes.subarray(at, at + 5), body: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return out;
}

/** A decryptor for one traffic secret: per-record nonce = iv XOR sequence number (RFC 8446 §5.3). */
function opener(suite: CipherSuiteParams, secret: Uint8Array): (header: Uint8Array, body: Uint8Array) => { type: number; content: Uint8Array } | null {
  const { key, iv } = trafficKeys(nobleProvider, suite, secret);
  const aead = nobleProvider.createAead(suite.aead, key);
  let seq = 0n;
  return (header, body) => {
    const nonce = iv.slice();
    for (let i = 0; i < 8; i++) nonce[11 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
    const inner = aead.open(nonce, header, body);
    if (inner === null) return null;
    seq++;
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--; // strip the zero padding (RFC 8446 §5.4)
    return { type: inner[end]!, content: inner.subarray(0, end) };
  };
}

describe('key schedule and AEAD against node:tls (OpenSSL)', () => {
  for (const suite of TLS13_CIPHER_SUITES) {
    it(`${suite.name}: we decrypt the server's records with keys from its traffic secrets, and export the same bytes`, async () => {
      const { fromServer, secrets, exported } = await capture(suite);
      const hs = secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET');
      const ap = secrets.get('SERVER_TRAFFIC_SECRET_0');
      const exporter = secrets.get('EXPORTER_SECRET');
      expect(hs?.length).toBe(suite.hashLength);
      expect(ap?.length).toBe(suite.hashLength);
      expect(exporter?.length).toBe(suite.hashLength);

      const encrypted = records(fromServer).filter((r) => r.type === 23);
      const openHandshake = opener(suite, hs!);
      const openApplication = opener(suite, ap!);
      const handshakeMessages: number[] = [];
      let application = '';
      let i = 0;
      // The server's handshake flight (EncryptedExtensions..Finished) under the handshake key ...
      for (; i < encrypted.length; i++) {
        const r = openHandshake(encrypted[i]!.header, encrypted[i]!.body);
        if (r === null) break;
        expect(r.type).toBe(22);
        handshakeMessages.push(r.content[0]!);
      }
      // ... then tickets, data and close_notify under the application key, with no gap.
      for (; i < encrypted.length; i++) {
        const r = openApplication(encrypted[i]!.header, encrypted[i]!.body);
        expect(r, `record ${i} opens under server_application_traffic_secret_0`).not.toBeNull();
        if (r!.type === 23) application += fromUtf8(r!.content);
      }
      expect(handshakeMessages[0]).toBe(8); // EncryptedExtensions
      expect(handshakeMessages).toContain(20); // Finished
      expect(application).toBe(GREETING);

      expect(toHex(exportKeyingMaterial(nobleProvider, suite, exporter!, LABEL, CONTEXT, 40))).toBe(toHex(exported));
    });
  }
});
