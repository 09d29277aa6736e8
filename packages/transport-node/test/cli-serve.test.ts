// `rxtls serve` as a child process, against openssl s_client, node:https and `rxtls connect`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/transport-node/src/cli/main.ts');

interface Serve {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Start `rxtls serve --port 0 ARGS` and wait for its `ACCEPT host:port` line. */
async function serve(args: readonly string[]): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /^ACCEPT 127\.0\.0\.1:(\d+)$/m.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`rxtls serve exited ${code}: ${stderr}`)));
  });
  return {
    child,
    port,
    stderr: () => stderr,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      return ((await exited) as [number | null])[0];
    },
  };
}

/** Run a command to completion; with `endAfter`, stdin stays open until stdout shows it (then ended, or with `kill` the child is killed). */
function run(cmd: string, args: readonly string[], stdin: string, endAfter?: string, kill = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (endAfter !== undefined && stdout.includes(endAfter)) {
        if (kill) child.kill();
        else child.stdin.end();
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (endAfter === undefined) child.stdin.end(stdin);
    else child.stdin.write(stdin);
  });
}

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

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe('rxtls serve --echo', () => {
  let server: Serve;
  beforeAll(async () => {
    server = await serve(['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--echo']);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('echoes what openssl s_client sends, and logs the connection', async () => {
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${server.port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', '-quiet'], 'ping from openssl\n', 'ping from openssl', true);
    expect(r.stdout).toContain('ping from openssl');
    expect(r.stderr).not.toMatch(/verify error/);
    expect(server.stderr()).toMatch(/^CONNECTION 127\.0\.0\.1:\d+ sni=localhost suite=TLS_\S+ group=\S+ alpn=-$/m);
  });

  it('talks to rxtls connect: verified, echoed, closed cleanly', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', MAIN, 'connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath], 'rxtls to rxtls\n', 'rxtls to rxtls');
    expect(r.stdout).toBe('rxtls to rxtls\n');
    expect(r.stderr).toContain('certificate-verified');
    expect(r.stderr).toContain('closed: server sent close_notify');
    expect(r.code).toBe(0);
  });
});

describe('rxtls serve --www', () => {
  let server: Serve;
  beforeAll(async () => {
    server = await serve([
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
    // The request line is logged by another process: give its stderr a moment to arrive.
    for (let i = 0; i < 100 && !/GET \/ HTTP\/1\.1/.test(server.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.stderr()).toMatch(/GET \/ HTTP\/1\.1/);
  });

  it('picks the second certificate for a client that only accepts ed25519 signatures', async () => {
    const page = await httpsPage(server.port, pki.rootPem, { sigalgs: 'ed25519' });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<th>Signature scheme<\/th><td>ed25519<\/td>/);
  });

  it('sends the response in one record, then close_notify (openssl s_client -msg)', async () => {
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${server.port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-msg', '-ign_eof'], 'GET / HTTP/1.0\r\n\r\n');
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

describe('rxtls serve: command line', () => {
  it('--ca --require-client-cert: node:https with a client certificate gets a page naming it; without one it is refused', async () => {
    const server = await serve(['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--ca', pki.rootPath, '--require-client-cert', '--www']);
    try {
      const page = await httpsPage(server.port, pki.rootPem, { cert: `${pki.client.certPem}${pki.intermediatePem}`, key: pki.client.keyPem });
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<th>Client certificate<\/th><td>CN=rxtls test client/);
      await expect(httpsPage(server.port, pki.rootPem)).rejects.toThrow();
      for (let i = 0; i < 100 && !/certificate_required|client sent no certificate/.test(server.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
      expect(server.stderr()).toMatch(/client sent no certificate/);
    } finally {
      await server.stop();
    }
  });

  it('--require-client-cert without --ca is a usage error (exit 2)', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--require-client-cert'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--require-client-cert needs --ca/);
  });

  it('exits 2 with the usage on a bad command line', async () => {
    for (const args of [['--cert', pki.servers.p256.chainPath], ['--port', '0', '--cert', pki.servers.p256.chainPath], ['--port', '0', '--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--www', '--echo']]) {
      const r = await run(process.execPath, ['--import', 'tsx', MAIN, 'serve', ...args], '');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('usage: rxtls serve');
    }
  });
});

describe('rxtls connect --cert/--key against rxtls serve --require-client-cert', () => {
  it('presents the client certificate; the server names it in its page', async () => {
    const server = await serve(['--cert', pki.servers.p256.chainPath, '--key', pki.servers.p256.keyPath, '--ca', pki.rootPath, '--require-client-cert', '--www']);
    try {
      const r = await run(
        process.execPath,
        ['--import', 'tsx', MAIN, 'connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--cert', pki.client.chainPath, '--key', pki.client.keyPath],
        'GET / HTTP/1.0\r\n\r\n',
      );
      expect(r.stdout).toMatch(/<th>Client certificate<\/th><td>CN=rxtls test client/);
      expect(r.code).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
