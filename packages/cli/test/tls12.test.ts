// The CLI over TLS 1.2, on Node and on Deno: `rxtls connect` against openssl s_server -tls1_2
// (the timeline's TLS 1.2 steps, the parameters, the key log), the version flags both ways, and
// `rxtls serve --www` naming the version it negotiated.
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../../transport-node/test/support/openssl-server.ts';
import { RUNTIMES, rxtls, serve } from './support/runtimes.ts';

let pki: TestPki;
let tls12: OpensslServer;
let any: OpensslServer;
beforeAll(async () => {
  pki = await getTestPki();
  const cert = { cert: pki.servers.rsa2048.certPath, key: pki.servers.rsa2048.keyPath, chain: pki.intermediatePath };
  tls12 = await startOpensslServer({ ...cert, version: '-tls1_2' });
  any = await startOpensslServer({ ...cert, version: 'any' });
});
afterAll(async () => {
  await tls12?.stop();
  await any?.stop();
});

function page(port: number, extra: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/', servername: 'localhost', ca: pki.rootPem, agent: false, ...extra }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

describe.each(RUNTIMES)('the CLI over TLS 1.2 on $name', (runtime) => {
  it.skipIf(runtime.problem !== undefined)('rxtls connect to s_server -tls1_2: the TLS 1.2 timeline, parameters and CLIENT_RANDOM key log', async () => {
    const greeting = `TLS 1.2 to ${runtime.name}\n`;
    tls12.process.stdin.write(greeting);
    const keylog = join(mkdtempSync(join(tmpdir(), 'rxtls-cli12-')), 'keys.log');
    const r = await rxtls(runtime, ['connect', `127.0.0.1:${tls12.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--keylog', keylog], '', { endAfter: greeting });
    expect(r.stderr).toMatch(/server-hello\s+TLSv1\.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n/);
    expect(r.stderr).toMatch(/server-key-exchange\s+x25519 rsa_pss_rsae_sha256\n/);
    expect(r.stderr).toMatch(/server-hello-done\n/);
    expect(r.stderr).toMatch(/client-key-exchange-sent\s+x25519\n/);
    expect(r.stderr).toMatch(/change-cipher-spec\s+sent\n[\s\S]*change-cipher-spec\s+received\n/);
    expect(r.stderr).toMatch(/Protocol\s+: TLSv1\.2/);
    expect(r.stderr).toMatch(/EMS\s+: yes/);
    expect(r.stdout).toBe(greeting);
    expect(readFileSync(keylog, 'utf8').split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/)]);
  });

  it.skipIf(runtime.problem !== undefined)('--max-version TLSv1.2 gets TLS 1.2 from a server that speaks both; --min-version TLSv1.3 refuses a TLS 1.2 server', async () => {
    const down = await rxtls(runtime, ['connect', `127.0.0.1:${any.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--max-version', 'TLSv1.2']);
    expect(down.stderr).toMatch(/Protocol\s+: TLSv1\.2/);
    const refused = await rxtls(runtime, ['connect', `127.0.0.1:${tls12.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--min-version', '1.3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/protocol.version/);
    const bad = await rxtls(runtime, ['connect', `127.0.0.1:${tls12.port}`, '--min-version', 'TLSv1.1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad --min-version "TLSv1\.1"/);
  });

  it.skipIf(runtime.problem !== undefined)('rxtls serve --www shows TLSv1.2 to a TLS 1.2 client, and --max-version TLSv1.2 holds a TLS 1.3 client to it', async () => {
    const server = await serve(runtime, ['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--www']);
    try {
      const body = await page(server.port, { maxVersion: 'TLSv1.2' });
      expect(body).toMatch(/<th>Protocol<\/th><td>TLSv1\.2<\/td>/);
      expect(body).toMatch(/<th>Cipher suite<\/th><td>TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256<\/td>/);
      expect(body).toMatch(/<th>Extended master secret<\/th><td>yes<\/td>/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const held = await serve(runtime, ['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--www', '--max-version', 'TLSv1.2']);
    try {
      expect(await page(held.port, {})).toMatch(/<th>Protocol<\/th><td>TLSv1\.2<\/td>/);
    } finally {
      expect(await held.stop()).toBe(0);
    }
  });
});
