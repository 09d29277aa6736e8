// rxtls inside Cloudflare's workerd (the `workerd` npm package, run locally): a Worker opens TCP
// with `cloudflare:sockets` and runs transport-workerd's client over it, against openssl s_server
// and the rxtls server on loopback: handshake$ seen in the Worker, the chain verified against a
// root the Worker was given, a certificate pin checked in verifyPeer (what the platform's own
// startTls cannot do), a wrong name refused, 1 MiB each way.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stop as stopEsbuild } from 'esbuild';
import { decodePem } from '@rxtls/core';
import { createServer, type TlsServer } from '@rxtls/transport-node';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../../transport-node/test/support/openssl-server.ts';
import type { Job, Outcome } from './worker/worker.ts';
import { startWorkerd, type Workerd } from './worker/workerd.ts';

const MiB = 1024 * 1024;
const pattern = (n: number, seed: number): Buffer => Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let pki: TestPki;
let workerd: Workerd;
let openssl: OpensslServer;
let echo: TlsServer;
let echoPort: number;

beforeAll(async () => {
  pki = await getTestPki();
  workerd = await startWorkerd();
  openssl = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath });
  echo = createServer({ cert: [pki.servers.rsa2048.certPem, pki.intermediatePem], key: pki.servers.rsa2048.keyPem }, (socket) => socket.pipe(socket));
  echoPort = await new Promise((resolve) => echo.listen(0, '127.0.0.1', () => resolve((echo.address() as { port: number }).port)));
}, 120_000);

afterAll(async () => {
  await workerd?.stop();
  await openssl?.stop();
  echo?.closeAllConnections();
  await new Promise((resolve) => echo?.close(resolve));
  await stopEsbuild();
});

const job = (port: number, extra: Partial<Job> = {}): Job => ({ port, servername: 'localhost', ca: pki.rootPem, up: 0, down: 0, seed: 1, ...extra });
const leafPin = (certPem: string): string => sha256(decodePem(certPem)[0]!);

describe('transport-workerd in workerd, over cloudflare:sockets', () => {
  it('to openssl s_server: handshake$ seen in the Worker, chain verified, 1 MiB each way intact', async () => {
    const before = openssl.received().length;
    const down = pattern(MiB, 9);
    openssl.process.stdin.write(down); // s_server sends its stdin to the client
    const outcome = await workerd.run<Outcome>(job(openssl.port, { up: MiB, down: MiB, seed: 5 }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.steps).toEqual(['client-hello-sent', 'server-hello', 'encrypted-extensions', 'certificate', 'certificate-verified', 'server-finished', 'client-finished-sent', 'established']);
    expect(outcome).toMatchObject({ version: 'TLSv1.3', authorized: true, received: MiB, sha256: sha256(down) });
    const received = await openssl.waitForReceived(before + MiB);
    expect(sha256(received.subarray(before, before + MiB))).toBe(sha256(pattern(MiB, 5)));
  });

  it('to the rxtls server (RSA chain): 1 MiB echoed, both close_notify crossed', async () => {
    const outcome = await workerd.run<Outcome>(job(echoPort, { up: MiB, down: MiB, seed: 3 }));
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ authorized: true, received: MiB, sha256: sha256(pattern(MiB, 3)), closed: { clean: true } });
  });

  it('a certificate pin checked in verifyPeer: the right pin connects, another one fails the handshake', async () => {
    const right = await workerd.run<Outcome>(job(echoPort, { pin: leafPin(pki.servers.rsa2048.certPem), up: 16, down: 16 }));
    expect(right.error).toBeUndefined();
    expect(right.authorized).toBe(true);
    const wrong = await workerd.run<Outcome>(job(echoPort, { pin: leafPin(pki.servers.p256.certPem), up: 16, down: 16 }));
    expect(wrong.error?.message).toMatch(/certificate pin mismatch/);
    expect(wrong.steps).not.toContain('established');
  });

  it('a name the certificate does not carry fails with a CertificateError', async () => {
    const outcome = await workerd.run<Outcome>(job(openssl.port, { servername: 'wrong.example' }));
    expect(outcome.error?.name).toBe('CertificateError');
    expect(outcome.steps).toContain('certificate');
    expect(outcome.steps).not.toContain('established');
  });

  it('the Worker really runs in workerd (the bundled transport imports cloudflare:sockets, which only workerd has)', () => {
    expect(readFileSync(new URL('../src/connect.ts', import.meta.url), 'utf8')).toMatch(/from 'cloudflare:sockets'/);
    expect(workerd.stderr()).not.toMatch(/uncaught|error/i);
  });
});
