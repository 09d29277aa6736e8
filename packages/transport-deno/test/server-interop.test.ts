// rxtls on Deno as a server (listen), against clients nobody here wrote: Deno's own TLS client
// (Deno.connectTls, rustls) and `openssl s_client`. Certificate types, suites and groups chosen
// on our side, HelloRetryRequest, ALPN, client certificates, resumption with s_client
// -sess_out/-sess_in, 1 MiB each way (hash-checked).
import { beforeAll, describe, expect, it } from 'vitest';
import { TlsError, TlsServerContext, type CipherSuiteName, type KeyExchangeGroup, type NegotiatedParameters } from '@rxtls/core';
import { listen, type ListenOptions, type TlsConn } from '../src/index.ts';
import { MiB, echo, randomBytes, readExactly, sha256, text, until } from './support/bytes.ts';
import { Deno, portOf, type DenoTlsConn } from './support/deno.ts';
import { listenersClosedAfterAll } from './support/listeners.ts';
import { spawn } from './support/openssl.ts';
import { getTestPki, type ServerKind, type TestPki } from './support/pki.ts';

const SCHEME: Record<ServerKind, string> = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', ed25519: 'ed25519', rsa2048: 'rsa_pss_rsae_sha256' };

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const listeners = listenersClosedAfterAll();

/** What the server saw of each connection. */
interface Seen {
  negotiated?: NegotiatedParameters;
  error?: unknown;
  conn: TlsConn;
}

/** An rxtls echo server on Deno; `seen` fills as connections come and go. */
function startServer(kind: ServerKind, extra: Partial<ListenOptions> = {}, handler: (conn: TlsConn) => Promise<void> = echo): { port: number; seen: Seen[] } {
  const seen: Seen[] = [];
  const listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem, ...extra }, async (conn) => {
    const entry: Seen = { conn };
    seen.push(entry);
    try {
      entry.negotiated = await conn.established;
      await handler(conn);
    } catch (err) {
      entry.error = err;
    }
  });
  listeners.push(listener);
  return { port: portOf(listener.addr), seen };
}

/** Deno's client: 1 MiB up while reading the echo, then close. */
async function denoClientEcho(conn: DenoTlsConn): Promise<{ sent: string; received: string }> {
  const up = randomBytes(MiB);
  const writing = (async () => {
    for (let at = 0; at < up.length; ) at += await conn.write(up.subarray(at, at + 65536));
  })();
  const got = new Uint8Array(MiB);
  let n = 0;
  while (n < MiB) {
    const r = await conn.read(got.subarray(n));
    if (r === null) break;
    n += r;
  }
  await writing;
  conn.close();
  return { sent: await sha256(up), received: await sha256(got.subarray(0, n)) };
}

describe('Deno.connectTls (rustls) -> rxtls server on Deno', () => {
  const cases: [ServerKind, CipherSuiteName, KeyExchangeGroup][] = [
    ['p256', 'TLS_AES_128_GCM_SHA256', 'x25519'],
    ['p384', 'TLS_AES_256_GCM_SHA384', 'x25519'],
    ['ed25519', 'TLS_CHACHA20_POLY1305_SHA256', 'x25519'],
    ['rsa2048', 'TLS_AES_256_GCM_SHA384', 'secp256r1'],
  ];
  for (const [kind, suite, group] of cases) {
    it(`${kind} certificate, ${suite}, ${group}: 1 MiB echoed both ways`, async () => {
      const { port, seen } = startServer(kind, { cipherSuites: [suite], groups: [group] });
      const client = await Deno.connectTls({ hostname: 'localhost', port, caCerts: [pki.rootPem] });
      const r = await denoClientEcho(client);
      expect(r.received).toBe(r.sent);
      const p = seen[0]!.negotiated!;
      expect([p.cipherSuite, p.group, p.signatureScheme]).toEqual([suite, group, SCHEME[kind]]);
      expect(seen[0]!.conn.servername).toBe('localhost'); // the SNI rustls sent
      // rustls offers an x25519 share first: for any other group we ask again.
      expect(p.helloRetry).toBe(group !== 'x25519');
    });
  }

  it('HelloRetryRequest: we only take secp384r1', async () => {
    const { port, seen } = startServer('p256', { groups: ['secp384r1'] });
    const client = await Deno.connectTls({ hostname: '127.0.0.1', port, caCerts: [pki.rootPem] });
    const r = await denoClientEcho(client);
    expect(r.received).toBe(r.sent);
    expect(seen[0]!.negotiated).toMatchObject({ group: 'secp384r1', helloRetry: true });
  });

  it('ALPN: we pick by our preference among what rustls offers', async () => {
    const { port, seen } = startServer('p256', { alpnProtocols: ['h2', 'http/1.1'] });
    const client = await Deno.connectTls({ hostname: '127.0.0.1', port, caCerts: [pki.rootPem], alpnProtocols: ['http/1.1', 'h2'] });
    expect((await client.handshake()).alpnProtocol).toBe('h2');
    await client.write(text('ping'));
    const buffer = new Uint8Array(4);
    expect(await client.read(buffer)).toBe(4);
    client.close();
    expect(seen[0]!.conn.alpnProtocol).toBe('h2');
  });

  it('client certificate: clientAuth verifies the one rustls sends', async () => {
    const { port, seen } = startServer('p256', { clientAuth: { ca: pki.rootPem } });
    const client = await Deno.connectTls({ hostname: '127.0.0.1', port, caCerts: [pki.rootPem], cert: pki.client.certPem + pki.intermediatePem, key: pki.client.keyPem });
    const r = await denoClientEcho(client);
    expect(r.received).toBe(r.sent);
    const conn = seen[0]!.conn;
    expect(conn.authorized).toBe(true);
    expect(conn.peerCertificates).toHaveLength(2);
    expect(conn.getPeerCertificate()?.subjectAltNames.dns).toContain('client.rxtls.test');
  });
});

describe('openssl s_client -> rxtls server on Deno', () => {
  /** Wait for s_client to exit; its stdout, and everything it printed. */
  async function finish(child: ReturnType<typeof spawn>): Promise<{ stdout: Uint8Array; output: string }> {
    await child.process.status;
    await Promise.all([child.stdout.done, child.stderr.done]);
    return { stdout: child.stdout.bytes(), output: child.stdout.text() + child.stderr.text() };
  }

  it('1 MiB up, 1 MiB down, close_notify both ways', async () => {
    const down = randomBytes(MiB);
    let upHash = '';
    const { port, seen } = startServer('p256', {}, async (conn) => {
      upHash = await sha256(await readExactly(conn, MiB));
      await conn.write(down);
      expect(await conn.close()).toEqual({ clean: true });
    });
    const up = randomBytes(MiB);
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', '-quiet']);
    await child.write(up);
    const { stdout } = await finish(child); // s_client exits at our close_notify
    expect(stdout.length).toBe(MiB);
    expect(await sha256(stdout)).toBe(await sha256(down));
    expect(upHash).toBe(await sha256(up));
    expect(seen[0]!.error).toBeUndefined();
  });

  it('ALPN and a client certificate (clientAuth required): s_client -alpn -cert -key', async () => {
    const { port, seen } = startServer('ed25519', { alpnProtocols: ['rxtls-test'], clientAuth: { ca: pki.rootPem } });
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', '-alpn', 'rxtls-test', '-cert', pki.client.certPath, '-key', pki.client.keyPath, '-cert_chain', pki.intermediatePath]);
    await child.write('echo me\n');
    await child.stdout.until(() => child.stdout.text().includes('echo me'), 'the echo');
    await child.closeStdin();
    const { output } = await finish(child);
    expect(output).toContain('ALPN protocol: rxtls-test');
    expect(seen[0]!.negotiated).toMatchObject({ alpn: 'rxtls-test', signatureScheme: 'ed25519' });
    expect(seen[0]!.conn.authorized).toBe(true);
  });

  it('without a client certificate when one is required: refused', async () => {
    const { port, seen } = startServer('p256', { clientAuth: { ca: pki.rootPem } });
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error']);
    await child.write('echo me\n');
    await child.closeStdin();
    const { output } = await finish(child);
    expect(output).not.toContain('echo me');
    await until(() => seen[0]?.error !== undefined, 'the server to fail the handshake');
    expect(seen[0]!.error).toBeInstanceOf(TlsError);
    expect((seen[0]!.error as TlsError).alertName).toBe('certificate_required');
    expect(seen[0]!.negotiated).toBeUndefined();
  });

  it('resumption: s_client -sess_out, then -sess_in resumes with our ticket', async () => {
    const context = new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] });
    const { port, seen } = startServer('p256', { context });
    const dir = await Deno.makeTempDir({ prefix: 'rxtls-deno-sess-' });
    const run = async (args: string[]): Promise<string> => {
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', ...args]);
      await child.write('ping-resumption\n');
      await child.stdout.until(() => child.stdout.text().includes('ping-resumption'), 'the echo');
      await child.closeStdin();
      return (await finish(child)).output;
    };
    const first = await run(['-sess_out', `${dir}/session.pem`]);
    expect(first).toContain('New, TLSv1.3');
    const second = await run(['-sess_in', `${dir}/session.pem`]);
    expect(second).toContain('Reused, TLSv1.3');
    expect(seen.map((s) => s.negotiated?.resumed)).toEqual([false, true]);
    expect(seen[1]!.negotiated!.peerCertificates).toHaveLength(0);
    await Deno.remove(dir, { recursive: true });
  });
});
