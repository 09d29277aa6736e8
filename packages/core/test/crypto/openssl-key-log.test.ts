// Our key schedule and record AEAD against OpenSSL: `openssl s_client`, pinned to one suite,
// connects through a recording relay to the runtime's node:tls server (OpenSSL on Node, rustls
// on Deno). s_client's key log gives the traffic secrets and its -keymatexport the TLS-Exporter
// output: we decrypt the server's records from the wire with trafficKeys() + createAead() and
// export the same bytes. The same test on Node and Deno (Deno's node:tls has no key log, no
// exportKeyingMaterial and no suite choice, so the OpenSSL side is the openssl binary).
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TLS13_CIPHER_SUITES, type CipherSuiteParams } from '../../src/crypto/suites.ts';
import { exportKeyingMaterial, trafficKeys } from '../../src/crypto/key-schedule.ts';
import { fromHex, fromUtf8, toHex } from '../../src/bytes/util.ts';
import { getTestPki } from '../support/pki.ts';

interface Capture {
  /** The suite s_client reports. */
  readonly cipher: string | undefined;
  /** Every byte the server sent, as seen on the wire. */
  readonly fromServer: Uint8Array;
  /** NSS key log: label → secret. */
  readonly secrets: Map<string, Uint8Array>;
  /** s_client's -keymatexport output (no context, which TLS 1.3 treats as empty: RFC 8446 §7.5). */
  readonly exported: Uint8Array | undefined;
}

const GREETING = 'hello from the server';
const LABEL = 'EXPERIMENTAL-rxtls-crypto-test';

let server: Server;
let dir: string;
beforeAll(async () => {
  const pki = await getTestPki();
  dir = mkdtempSync(join(tmpdir(), 'rxtls-key-log-'));
  // No suite option: Deno's node:tls ignores it; s_client offers only the suite under test.
  server = createTlsServer({ key: pki.servers.p256.keyPem, cert: pki.servers.p256.certPem, minVersion: 'TLSv1.3' }, (socket) => socket.end(GREETING));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterAll(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const portOf = (s: Server): number => (s.address() as AddressInfo).port;

/** A TCP relay to the TLS server that records what the server sends. */
async function recordingRelay(chunks: Buffer[]): Promise<Server> {
  const relay = createNetServer((client) => {
    const upstream = connect(portOf(server), '127.0.0.1');
    upstream.on('data', (d: Buffer) => chunks.push(d));
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  return relay;
}

/**
 * Runs `openssl s_client` until the server closes. Its exit status is not judged: node:tls on
 * Node closes this connection without a close_notify, which s_client reports as an error; what
 * the test needs (key log, exporter, the greeting on the wire) is checked instead.
 */
function sClient(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('openssl', ['s_client', ...args], { timeout: 30_000 }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
    child.stdin?.end();
  });
}

/** One connection with `suite` only, seen by s_client and on the wire. */
async function capture(suite: CipherSuiteParams): Promise<Capture> {
  const chunks: Buffer[] = [];
  const relay = await recordingRelay(chunks);
  const keyLogPath = join(dir, `${suite.name}.keylog`);
  try {
    const { stdout, stderr } = await sClient([
      ...['-connect', `127.0.0.1:${portOf(relay)}`, '-servername', 'localhost', '-tls1_3', '-ciphersuites', suite.name],
      ...['-keylogfile', keyLogPath, '-keymatexport', LABEL, '-keymatexportlen', '40', '-ign_eof'],
    ]);
    expect(stdout, stderr).toMatch(/Keying material: /);
    const secrets = new Map<string, Uint8Array>();
    for (const line of readFileSync(keyLogPath, 'latin1').split('\n')) {
      const [label, , secret] = line.trim().split(' ');
      if (label && secret && !label.startsWith('#')) secrets.set(label, fromHex(secret));
    }
    const exported = /Keying material: ([0-9A-Fa-f]+)/.exec(stdout)?.[1];
    return {
      cipher: /Cipher is (\S+)/.exec(stdout)?.[1],
      fromServer: new Uint8Array(Buffer.concat(chunks)),
      secrets,
      exported: exported === undefined ? undefined : fromHex(exported),
    };
  } finally {
    relay.close();
  }
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

/** The types of the handshake messages in `bytes` (type, uint24 length, body: RFC 8446 §4). */
function messageTypes(bytes: Uint8Array): number[] {
  const types = [];
  for (let at = 0; at + 4 <= bytes.length; at += 4 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)) types.push(bytes[at]!);
  return types;
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

describe('key schedule and AEAD against OpenSSL (s_client key log and exporter)', () => {
  for (const suite of TLS13_CIPHER_SUITES) {
    it(`${suite.name}: we decrypt the server's records with keys from its traffic secrets, and export the same bytes`, async () => {
      const { cipher, fromServer, secrets, exported } = await capture(suite);
      expect(cipher).toBe(suite.name);
      const hs = secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET');
      const ap = secrets.get('SERVER_TRAFFIC_SECRET_0');
      const exporter = secrets.get('EXPORTER_SECRET');
      expect(hs?.length).toBe(suite.hashLength);
      expect(ap?.length).toBe(suite.hashLength);
      expect(exporter?.length).toBe(suite.hashLength);

      const encrypted = records(fromServer).filter((r) => r.type === 23);
      const openHandshake = opener(suite, hs!);
      const openApplication = opener(suite, ap!);
      const handshake: Uint8Array[] = [];
      let application = '';
      let i = 0;
      // The server's handshake flight (EncryptedExtensions..Finished) under the handshake key ...
      for (; i < encrypted.length; i++) {
        const r = openHandshake(encrypted[i]!.header, encrypted[i]!.body);
        if (r === null) break;
        expect(r.type).toBe(22);
        handshake.push(r.content);
      }
      // ... then tickets, data and close_notify under the application key, with no gap.
      for (; i < encrypted.length; i++) {
        const r = openApplication(encrypted[i]!.header, encrypted[i]!.body);
        expect(r, `record ${i} opens under server_application_traffic_secret_0`).not.toBeNull();
        if (r!.type === 23) application += fromUtf8(r!.content);
      }
      // OpenSSL sends one message per record, rustls the whole flight in one.
      // EncryptedExtensions, Certificate, CertificateVerify, Finished.
      expect(messageTypes(Buffer.concat(handshake))).toEqual([8, 11, 15, 20]);
      expect(application).toBe(GREETING);

      expect(exported?.length).toBe(40);
      expect(toHex(exportKeyingMaterial(nobleProvider, suite, exporter!, LABEL, new Uint8Array(0), 40))).toBe(toHex(exported!));
    });
  }
});
