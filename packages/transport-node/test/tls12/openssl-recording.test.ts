// Known answers from a TLS 1.2 session between openssl s_client and openssl s_server, recorded
// through a loopback relay with openssl's key log: from the logged master secret and the two
// randoms, our key block and record protection must open every protected record both ways,
// both Finished messages must carry the verify_data our PRF computes over the transcript, and
// the application data must be what s_client sent. Nothing of rxtls's handshake is involved.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleProvider } from '@rxtls/core';
import { fromHex } from '../../../core/src/bytes/util.ts';
import { finishedVerifyData12, keyBlock12 } from '../../../core/src/crypto/tls12-key-schedule.ts';
import { TLS12_CIPHER_SUITES } from '../../../core/src/crypto/suites12.ts';
import { RecordOpener12 } from '../../../core/src/record/protection12.ts';
import type { RawRecord } from '../../../core/src/record/deframer.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer } from '../support/openssl-server.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

type Record12 = RawRecord;

/** Split a recorded byte stream into TLS records. */
function records(stream: Buffer): Record12[] {
  const out: Record12[] = [];
  for (let at = 0; at + 5 <= stream.length; ) {
    const length = stream.readUInt16BE(at + 3);
    out.push({ type: stream[at]!, legacyVersion: stream.readUInt16BE(at + 1), header: stream.subarray(at, at + 5), fragment: stream.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return out;
}

/** Relay one connection from a local port to `target`, keeping what went each way. */
async function recordingRelay(target: number): Promise<{ port: number; done: Promise<{ up: Buffer; down: Buffer }> }> {
  const up: Buffer[] = [];
  const down: Buffer[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const relay = createServer((client: Socket) => {
    const server = createConnection(target, '127.0.0.1');
    client.on('data', (d: Buffer) => (up.push(d), server.write(d)));
    server.on('data', (d: Buffer) => (down.push(d), client.write(d)));
    let open = 2;
    const closed = (): void => {
      if (--open === 0) finish();
    };
    client.on('close', () => (server.end(), closed()));
    server.on('close', () => (client.end(), closed()));
    client.on('error', () => undefined);
    server.on('error', () => undefined);
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  return {
    port: (relay.address() as AddressInfo).port,
    done: finished.then(() => {
      relay.close();
      return { up: Buffer.concat(up), down: Buffer.concat(down) };
    }),
  };
}

const SUITES = [
  ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  ['ECDHE-ECDSA-CHACHA20-POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
] as const;

describe('a recorded openssl TLS 1.2 session, opened with our key schedule and record protection', () => {
  for (const [opensslName, ianaName] of SUITES) {
    it(`${opensslName}: both Finished verify, both directions decrypt, the data is what was sent`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxtls-rec-'));
      const keylogFile = join(dir, 'keys.log');
      const server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath, version: '-tls1_2', keylogFile, extraArgs: ['-cipher', opensslName] });
      const relay = await recordingRelay(server.port);
      const message = `hello from s_client over ${opensslName}\n`;
      const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${relay.port}`, '-tls1_2', '-cipher', opensslName, '-CAfile', pki.rootPath, '-servername', 'localhost', '-quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
      client.stdin.write(message);
      await server.waitForReceived(message.length);
      client.kill();
      const { up, down } = await relay.done;
      await server.stop();

      const suite = TLS12_CIPHER_SUITES.find((s) => s.name === ianaName)!;
      const toServer = records(up);
      const toClient = records(down);
      // Plaintext handshake messages, in order, up to each side's change_cipher_spec.
      const plainHandshake = (rs: Record12[]): Buffer => Buffer.concat(rs.slice(0, rs.findIndex((r) => r.type === 20)).filter((r) => r.type === 22).map((r) => r.fragment));
      const clientHello = plainHandshake(toServer);
      const serverFlight = plainHandshake(toClient);
      const clientRandom = clientHello.subarray(6, 38);
      const serverRandom = serverFlight.subarray(6, 38);
      const line = readFileSync(keylogFile, 'utf8').split('\n').find((l) => l.startsWith(`CLIENT_RANDOM ${clientRandom.toString('hex')} `));
      expect(line).toBeDefined();
      const masterSecret = fromHex(line!.split(' ')[2]!);

      const block = keyBlock12(nobleProvider, suite.hash, masterSecret, clientRandom, serverRandom, suite.keyLength, suite.ivLength);
      const open = (rs: Record12[], key: Uint8Array, iv: Uint8Array): Uint8Array[] => {
        const opener = new RecordOpener12(nobleProvider.createAead(suite.aead, key), iv, suite.nonce);
        const ccs = rs.findIndex((r) => r.type === 20);
        return rs.slice(ccs + 1).filter((r) => r.type !== 21 || r.fragment.length > 2).map((r) => opener.open(r).content);
      };
      const fromClient = open(toServer, block.clientWriteKey, block.clientWriteIv);
      const fromServer = open(toClient, block.serverWriteKey, block.serverWriteIv);

      // Client Finished covers ClientHello..ClientKeyExchange; the server's also the client Finished
      // and then its NewSessionTicket (sent in the clear, so part of serverFlight).
      const hash = (...parts: Uint8Array[]): Uint8Array => parts.reduce((h, p) => h.update(p), nobleProvider.createHash(suite.hash)).digest();
      const serverHandshakeBeforeTicket = serverFlight.subarray(0, serverFlight.length - (serverFlight.includes(4) ? ticketLength(serverFlight) : 0));
      const clientFinished = fromClient[0]!;
      expect([...clientFinished.subarray(0, 4)]).toEqual([20, 0, 0, 12]);
      expect(Buffer.from(clientFinished.subarray(4))).toEqual(Buffer.from(finishedVerifyData12(nobleProvider, suite.hash, masterSecret, 'client', hash(clientHello.subarray(0, handshakeLength(clientHello, 1)), serverHandshakeBeforeTicket, clientHello.subarray(handshakeLength(clientHello, 1))))));
      const serverFinished = fromServer[0]!;
      expect(Buffer.from(serverFinished.subarray(4))).toEqual(Buffer.from(finishedVerifyData12(nobleProvider, suite.hash, masterSecret, 'server', hash(clientHello.subarray(0, handshakeLength(clientHello, 1)), serverHandshakeBeforeTicket, clientHello.subarray(handshakeLength(clientHello, 1)), clientFinished, serverFlight.subarray(serverHandshakeBeforeTicket.length)))));
      expect(Buffer.concat(fromClient.slice(1)).toString()).toBe(message);
    });
  }
});

/** Bytes of the first `n` handshake messages of a concatenation. */
function handshakeLength(messages: Buffer, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at += 4 + messages.readUIntBE(at + 1, 3);
  return at;
}

/** Bytes of a trailing NewSessionTicket (type 4), if the flight ends with one. */
function ticketLength(flight: Buffer): number {
  let at = 0;
  while (at < flight.length) {
    const length = 4 + flight.readUIntBE(at + 1, 3);
    if (flight[at] === 4 && at + length === flight.length) return length;
    at += length;
  }
  return 0;
}
