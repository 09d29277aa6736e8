import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from './support/openssl-server.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/transport-node/src/cli/main.ts');

/**
 * Run `rxtls ARGS` with `stdin`; resolve with its exit code and output. With `endAfter`, stdin
 * stays open until stdout shows that text (so our close_notify cannot overtake the server's data).
 */
function rxtls(args: readonly string[], stdin: string, endAfter?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (endAfter !== undefined && stdout.includes(endAfter)) child.stdin.end();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (endAfter === undefined) child.stdin.end(stdin);
    else child.stdin.write(stdin);
  });
}

describe('rxtls connect (CLI) against openssl s_server', () => {
  let pki: TestPki;
  let server: OpensslServer;
  beforeAll(async () => {
    pki = await getTestPki();
    server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath });
  });
  afterAll(() => server?.stop());

  it('prints the timeline and parameters, copies stdin up and the server data down, exits 0 on close_notify', async () => {
    const before = server.received().length;
    server.process.stdin.write('hello from openssl\n');
    const dir = mkdtempSync(join(tmpdir(), 'rxtls-cli-'));
    const keylog = join(dir, 'keys.log');
    const r = await rxtls(['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--keylog', keylog, '--trace'], 'hello from rxtls\n', 'hello from openssl');
    expect(r.stderr).toContain('client-hello-sent');
    expect(r.stderr).toContain('certificate-verified');
    expect(r.stderr).toContain('established');
    expect(r.stderr).toMatch(/Cipher\s+: TLS_AES_128_GCM_SHA256/);
    expect(r.stderr).toContain('<<<   handshake finished');
    expect(r.stdout).toContain('hello from openssl');
    expect(r.code).toBe(0);
    const got = await server.waitForReceived(before + 'hello from rxtls\n'.length);
    expect(got.subarray(before).toString()).toBe('hello from rxtls\n');
    expect(readFileSync(keylog, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
  });

  it('an IP as --servername is checked against IP SANs and not sent as SNI', async () => {
    const r = await rxtls(['connect', `127.0.0.1:${server.port}`, '--servername', '127.0.0.1', '--ca', pki.rootPath], '');
    expect(r.stderr).not.toContain('sni=');
    expect(r.code).toBe(0);
  });

  it('exits 1 with the alert on a host name mismatch', async () => {
    const r = await rxtls(['connect', `127.0.0.1:${server.port}`, '--servername', 'other.example', '--ca', pki.rootPath], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad_certificate');
  });

  it('exits 2 on a usage error', async () => {
    const r = await rxtls(['connect', 'no-port-here', '--bogus'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: rxtls connect');
  });
});
