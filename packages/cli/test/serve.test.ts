// `rxtls serve` as a child process on Node and on Deno, against openssl s_client, node:https
// and `rxtls connect`: the same flags, the same outcome.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { nodeHost } from '../../transport-node/src/cli/host.ts';
import { serveCommand } from '../src/serve-command.ts';
import { RUNTIMES, run, rxtls, serve, type Serve } from './support/runtimes.ts';

function httpsPage(port: number, ca: string, extra: Record<string, unknown> = {}): Promise<{ status: number | undefined; body: string; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/', servername: 'localhost', ca, agent: false, ...extra }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, alpn: (res.socket as unknown as { alpnProtocol: string | false | null }).alpnProtocol }));
    });
    req.on('error', reject);
  });
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe.each(RUNTIMES)('rxtls serve on $name', (runtime) => {
  const s_client = (port: number, extra: readonly string[]): string[] => ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', ...extra];

  describe.skipIf(runtime.problem !== undefined)('--echo', () => {
    let server: Serve;
    beforeAll(async () => {
      server = await serve(runtime, ['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--echo']);
    });
    afterAll(async () => {
      expect(await server.stop()).toBe(0);
    });

    it('echoes 1 MiB that openssl s_client sends, and logs the connection', async () => {
      const data = randomBytes(1024 * 1024);
      const r = await run('openssl', s_client(server.port, ['-verify_return_error', '-quiet']), data, { endAfterBytes: data.length, kill: true });
      expect(r.stdoutBytes.length).toBe(data.length);
      expect(sha256(r.stdoutBytes)).toBe(sha256(data));
      expect(r.stderr).not.toMatch(/verify error/);
      expect(server.stderr()).toMatch(/^CONNECTION 127\.0\.0\.1:\d+ sni=localhost suite=TLS_\S+ group=\S+ alpn=-$/m);
    });

    it.each(RUNTIMES.filter((r) => r.problem === undefined))('talks to rxtls connect on $name: verified, echoed, closed cleanly', async (client) => {
      const r = await rxtls(client, ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath], 'rxtls to rxtls\n', { endAfter: 'rxtls to rxtls' });
      expect(r.stdout).toBe('rxtls to rxtls\n');
      expect(r.stderr).toContain('certificate-verified');
      expect(r.stderr).toContain('closed: server sent close_notify');
      expect(r.code).toBe(0);
    });
  });

  describe.skipIf(runtime.problem !== undefined)('--www', () => {
    let server: Serve;
    beforeAll(async () => {
      server = await serve(runtime, [
        '--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath,
        '--cert', pki.servers.ed25519.chainPath, '--key', pki.servers.ed25519.keyPath,
        '--alpn', 'http/1.1', '--www',
      ]);
    });
    afterAll(async () => {
      expect(await server.stop()).toBe(0);
    });

    it('answers node:https with a page describing the connection', async () => {
      const page = await httpsPage(server.port, pki.rootPem, { ALPNProtocols: ['http/1.1'], ciphers: 'TLS_AES_256_GCM_SHA384' });
      expect(page.status).toBe(200);
      expect(page.alpn).toBe('http/1.1');
      expect(page.body).toMatch(/<th>Protocol<\/th><td>TLSv1\.3<\/td>/);
      expect(page.body).toMatch(/<th>Cipher suite<\/th><td>TLS_AES_256_GCM_SHA384<\/td>/);
      expect(page.body).toMatch(/<th>ALPN<\/th><td>http\/1\.1<\/td>/);
      expect(page.body).toMatch(/<th>SNI<\/th><td>localhost<\/td>/);
      expect(page.body).toMatch(/<th>Resumed<\/th><td>no<\/td>/);
      expect(page.body).toMatch(/<th>Client certificate<\/th><td>none<\/td>/);
      expect(page.body).toMatch(/<th>Peer<\/th><td>127\.0\.0\.1:\d+<\/td>/);
      expect(await server.waitForStderr(/GET \/ HTTP\/1\.1/)).toMatch(/^127\.0\.0\.1:\d+ GET \/ HTTP\/1\.1$/m);
    });

    it('picks the second certificate for a client that only accepts ed25519 signatures', async () => {
      const page = await httpsPage(server.port, pki.rootPem, { sigalgs: 'ed25519' });
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<th>Signature scheme<\/th><td>ed25519<\/td>/);
    });

    it('sends the response in one record, then close_notify (openssl s_client -msg)', async () => {
      const r = await run('openssl', s_client(server.port, ['-msg', '-ign_eof']), 'GET / HTTP/1.0\r\n\r\n');
      expect(r.stdout).toContain('<th>Protocol</th><td>TLSv1.3</td>');
      // -msg prints each record as it arrives: the page must sit between one record's header and
      // the close_notify record, with no other incoming record in between.
      const lines = r.stdout.split('\n').filter((l) => !l.startsWith('    '));
      const from = lines.findIndex((l) => l.startsWith('HTTP/1.0 200 ok'));
      const end = lines.findIndex((l) => l.startsWith('</table></body></html>'));
      const alert = lines.findIndex((l) => /^<<< .*close_notify/.test(l));
      expect(from).toBeGreaterThan(0);
      expect(lines[from - 1]).toMatch(/^<<< TLS 1\.3, InnerContent/);
      expect(end).toBeGreaterThan(from);
      expect(alert).toBeGreaterThan(end);
      expect(lines.slice(from, alert).filter((l) => l.startsWith('<<<'))).toEqual(['<<< TLS 1.2, RecordHeader [length 0005]', '<<< TLS 1.3, InnerContent [length 0001]']);
    });
  });

  it.skipIf(runtime.problem !== undefined)('without --www or --echo prints what the client sends; --trace and --keylog', async () => {
    const keylog = join(mkdtempSync(join(tmpdir(), 'rxtls-serve-')), 'keys.log');
    const server = await serve(runtime, ['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--trace', '--keylog', keylog]);
    try {
      const r = await run('openssl', s_client(server.port, ['-quiet', '-no_ign_eof']), `to ${runtime.name}'s stdout\n`);
      expect(r.code).toBe(0);
      for (let i = 0; i < 100 && !server.stdout().includes('\n'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.stdout()).toBe(`to ${runtime.name}'s stdout\n`);
      expect(await server.waitForStderr(/>>> {3}alert warning close_notify/)).toContain('<<<   handshake client_hello');
      expect(readFileSync(keylog, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  describe.skipIf(runtime.problem !== undefined)('client certificates and the command line', () => {
    it('--ca --require-client-cert: node:https and rxtls connect with a client certificate get a page naming it; without one it is refused', async () => {
      const server = await serve(runtime, ['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--ca', pki.rootPath, '--require-client-cert', '--www']);
      try {
        const page = await httpsPage(server.port, pki.rootPem, { cert: `${pki.client.certPem}${pki.intermediatePem}`, key: pki.client.keyPem });
        expect(page.status).toBe(200);
        expect(page.body).toMatch(/<th>Client certificate<\/th><td>CN=rxtls test client/);
        const r = await rxtls(
          runtime,
          ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--cert', pki.client.chainPath, '--key', pki.client.keyPath],
          'GET / HTTP/1.0\r\n\r\n',
        );
        expect(r.stdout).toMatch(/<th>Client certificate<\/th><td>CN=rxtls test client/);
        expect(r.code).toBe(0);
        await expect(httpsPage(server.port, pki.rootPem)).rejects.toThrow();
        expect(await server.waitForStderr(/client sent no certificate/)).toMatch(/^127\.0\.0\.1:\d+ handshake failed: tls: .*client sent no certificate/m);
      } finally {
        await server.stop();
      }
    });

    it('exits 2 with the usage on an unreadable file or --require-client-cert without --ca', async () => {
      const cert = ['--cert', pki.servers.p256.chainPath];
      const key = ['--key', pki.servers.p256.keyPath];
      for (const [args, message] of [
        [['--port', '0', ...cert, ...key, '--require-client-cert'], /^rxtls serve: --require-client-cert needs --ca FILE$/m],
        [['--port', '0', '--cert', '/nonexistent/cert.pem', ...key], /^rxtls serve: cannot read --cert \/nonexistent\/cert\.pem: no such file or directory$/m],
      ] as const) {
        const r = await rxtls(runtime, ['serve', ...args]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toContain('usage: rxtls serve');
      }
    });
  });
});

describe('rxtls serve: command line (in process)', () => {
  it.each([
    [['--cert', 'CERT'], /--port is required/],
    [['--port', '0', '--cert', 'CERT'], /give one --key for each --cert/],
    [['--port', '65536', '--cert', 'CERT', '--key', 'KEY'], /bad --port "65536"/],
    [['--port', '0', '--key', 'KEY'], /--cert FILE and --key FILE are required/],
    [['--port', '0', '--cert', 'CERT', '--key', 'KEY', '--www', '--echo'], /--www and --echo exclude each other/],
    [['--port', '0', '--cert', 'CERT', '--key', 'KEY', '--bogus'], /unknown flag "--bogus"/],
  ])('exits 2 with the usage on %j', async (argv, message) => {
    const err: string[] = [];
    const args = argv.map((a) => (a === 'CERT' ? pki.servers.p256.chainPath : a === 'KEY' ? pki.servers.p256.keyPath : a));
    const code = await serveCommand(args, { ...nodeHost(), stderr: (line) => err.push(line) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(err.join('\n')).toContain('usage: rxtls serve');
  });
});
