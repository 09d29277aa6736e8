// Deno's TLS client (rustls) into the rxtls server: certificate types, suites and groups chosen
// on our side (Deno.connectTls has no knobs for them), HelloRetryRequest, ALPN, 1 MiB echoed
// both ways. The Deno binary comes from the `deno` npm package (root devDependencies).
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CipherSuiteName, KeyExchangeGroup, TlsSession } from '@rxtls/core';
import { createTlsServer } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';

const MiB = 1024 * 1024;
const DENO = fileURLToPath(new URL('../../../../node_modules/.bin/deno', import.meta.url));

/** Whether the Deno binary runs here; if not, the reason (the suite is skipped with it). */
function denoProblem(): string | undefined {
  if (!existsSync(DENO)) return `no ${DENO}: run pnpm install at the repository root`;
  const r = spawnSync(DENO, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return `deno --version failed: ${r.error?.message ?? r.stderr}`;
  return undefined;
}
const problem = denoProblem();
if (problem !== undefined) console.warn(`SKIPPED Deno client interop: ${problem}`);

// The client: connect with our test root, send 1 MiB (a deterministic pattern) while reading the
// echo, then print what it saw as one JSON line.
const CLIENT = `
const [port, caPath, hostname, alpn] = Deno.args;
const caCerts = [await Deno.readTextFile(caPath)];
const conn = await Deno.connectTls({ hostname, port: Number(port), caCerts, ...(alpn ? { alpnProtocols: alpn.split(',') } : {}) });
const info = await conn.handshake();
const size = ${MiB};
const data = new Uint8Array(size);
for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
const writing = (async () => { let at = 0; while (at < size) at += await conn.write(data.subarray(at, at + 65536)); })();
const got = new Uint8Array(size);
let n = 0;
while (n < size) {
  const r = await conn.read(got.subarray(n));
  if (r === null) break;
  n += r;
}
await writing;
conn.close();
const digest = (b) => crypto.subtle.digest('SHA-256', b).then((d) => Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, '0')).join(''));
console.log(JSON.stringify({ alpn: info.alpnProtocol, received: n, sentSha256: await digest(data), receivedSha256: await digest(got.subarray(0, n)) }));
`;

interface DenoResult {
  alpn: string | null;
  received: number;
  sentSha256: string;
  receivedSha256: string;
}

let pki: TestPki;
let script: string;
let denoDir: string;
beforeAll(async () => {
  pki = await getTestPki();
  denoDir = mkdtempSync(join(tmpdir(), 'rxtls-deno-'));
  script = join(denoDir, 'client.ts');
  writeFileSync(script, CLIENT);
});

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

const seen: { group: string; helloRetry: boolean; cipherSuite: string; signatureScheme: string }[] = [];

/** Echo until the client closes. */
async function echo(session: TlsSession): Promise<void> {
  try {
    const p = await session.handshake();
    seen.push({ group: p.group, helloRetry: p.helloRetry, cipherSuite: p.cipherSuite, signatureScheme: p.signatureScheme });
    for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) await session.write(chunk);
    await session.shutdown();
  } catch {
    // the client's result says what went wrong
  } finally {
    session.destroy();
  }
}

type Kind = 'p256' | 'p384' | 'ed25519' | 'rsa2048';

async function startServer(kind: Kind, extra: { cipherSuites?: CipherSuiteName[]; groups?: KeyExchangeGroup[]; alpnProtocols?: string[] } = {}): Promise<number> {
  const server = createTlsServer({ certificates: [{ chain: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem }], ...extra }, (session) => void echo(session));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Run the Deno client against `port`; rejects with Deno's stderr when it fails. */
function runDeno(port: number, hostname: string, alpn?: string[]): Promise<DenoResult> {
  return new Promise((resolve, reject) => {
    execFile(
      DENO,
      ['run', '--no-config', '--no-lock', '--allow-net', '--allow-read', script, String(port), pki.rootPath, hostname, (alpn ?? []).join(',')],
      { cwd: denoDir, env: { ...process.env, DENO_DIR: join(denoDir, 'cache'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, timeout: 60_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`deno failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as DenoResult);
      },
    );
  });
}

function expectEchoed(r: DenoResult): void {
  expect(r.received).toBe(MiB);
  expect(r.receivedSha256).toBe(r.sentSha256);
  expect(r.sentSha256).toBe(createHash('sha256').update(pattern()).digest('hex'));
}

function pattern(): Buffer {
  const b = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

describe.skipIf(problem !== undefined)('Deno (rustls) client -> rxtls server', () => {
  const cases: [Kind, CipherSuiteName, KeyExchangeGroup][] = [
    ['p256', 'TLS_AES_128_GCM_SHA256', 'x25519'],
    ['p384', 'TLS_AES_256_GCM_SHA384', 'x25519'],
    ['ed25519', 'TLS_CHACHA20_POLY1305_SHA256', 'x25519'],
    ['rsa2048', 'TLS_AES_128_GCM_SHA256', 'x25519'],
    ['p256', 'TLS_CHACHA20_POLY1305_SHA256', 'secp256r1'],
    ['rsa2048', 'TLS_AES_256_GCM_SHA384', 'secp384r1'],
  ];
  const scheme: Record<Kind, string> = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', ed25519: 'ed25519', rsa2048: 'rsa_pss_rsae_sha256' };

  for (const [kind, suite, group] of cases) {
    it(`${kind} ${suite} ${group}: Deno verifies the chain for 'localhost', 1 MiB echoed both ways`, async () => {
      const port = await startServer(kind, { cipherSuites: [suite], groups: [group] });
      const before = seen.length;
      expectEchoed(await runDeno(port, 'localhost'));
      expect(seen.slice(before)).toHaveLength(1);
      expect(seen[before]).toMatchObject({ group, cipherSuite: suite, signatureScheme: scheme[kind] });
      // rustls's first ClientHello shares X25519MLKEM768 and x25519 only: other groups take a HelloRetryRequest.
      expect(seen[before]!.helloRetry).toBe(group !== 'x25519');
    }, 60_000);
  }

  it('connects by IP address: the certificate names IP:127.0.0.1', async () => {
    const port = await startServer('p256');
    expectEchoed(await runDeno(port, '127.0.0.1'));
  }, 60_000);

  it('ALPN: the server picks by its own preference', async () => {
    const port = await startServer('p256', { alpnProtocols: ['h2', 'http/1.1'] });
    const r = await runDeno(port, 'localhost', ['http/1.1', 'h2']);
    expect(r.alpn).toBe('h2');
    expectEchoed(r);
  }, 60_000);

  it('ALPN with nothing in common: Deno sees the handshake fail', async () => {
    const port = await startServer('p256', { alpnProtocols: ['h2'] });
    await expect(runDeno(port, 'localhost', ['http/1.1'])).rejects.toThrow(/deno failed/);
  }, 60_000);

  it('a certificate for another name: Deno refuses it', async () => {
    const server = createTlsServer({ certificates: [{ chain: [pki.bad.wrongHost.certPem, pki.intermediatePem], key: pki.bad.wrongHost.keyPem }] }, (session) => void echo(session));
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await expect(runDeno((server.address() as AddressInfo).port, 'localhost')).rejects.toThrow(/deno failed[\s\S]*(certificate|NotValidForName|name)/i);
  }, 60_000);
});
