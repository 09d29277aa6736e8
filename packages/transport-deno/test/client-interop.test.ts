// rxtls on Deno as a client, against peers nobody here wrote: Deno's own TLS server
// (Deno.listenTls, rustls) and `openssl s_server -tls1_3`. Certificate types, suites, groups,
// HelloRetryRequest, ALPN, client certificates, the key log, 1 MiB each way (hash-checked).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { CertificateError, TlsError, type CipherSuiteName, type KeyExchangeGroup } from '@rxtls/core';
import { connect, type TlsConn } from '../src/index.ts';
import { MiB, randomBytes, readExactly, sha256, text } from './support/bytes.ts';
import { Deno, portOf, type DenoTlsConn, type DenoTlsListener } from './support/deno.ts';
import { startOpensslServer, type OpensslServer } from './support/openssl.ts';
import { getTestPki, type ServerKind, type TestPki } from './support/pki.ts';

const SCHEME: Record<ServerKind, string> = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', ed25519: 'ed25519', rsa2048: 'rsa_pss_rsae_sha256' };

/** One suite and one group per certificate type: every suite, group and signature algorithm runs at least once. */
const CASES: readonly [ServerKind, CipherSuiteName, KeyExchangeGroup][] = [
  ['p256', 'TLS_AES_128_GCM_SHA256', 'x25519'],
  ['p384', 'TLS_AES_256_GCM_SHA384', 'secp384r1'],
  ['ed25519', 'TLS_CHACHA20_POLY1305_SHA256', 'secp256r1'],
  ['rsa2048', 'TLS_AES_128_GCM_SHA256', 'x25519'],
];

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** The options every client here shares. */
const base = (port: number) => ({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem });

describe('rxtls client on Deno -> Deno.listenTls (rustls)', () => {
  const listeners: DenoTlsListener[] = [];
  afterAll(() => {
    for (const l of listeners) l.close();
  });

  /** A rustls echo server: copies what it reads back until the client's close_notify, then closes. */
  function startRustls(kind: ServerKind, alpnProtocols?: string[]): number {
    const listener = Deno.listenTls({ hostname: '127.0.0.1', port: 0, cert: pki.servers[kind].certPem + pki.intermediatePem, key: pki.servers[kind].keyPem, ...(alpnProtocols ? { alpnProtocols } : {}) });
    listeners.push(listener);
    void (async () => {
      for await (const conn of listener) void rustlsEcho(conn);
    })().catch(() => undefined);
    return portOf(listener.addr);
  }

  async function rustlsEcho(conn: DenoTlsConn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
        for (let at = 0; at < n; ) at += await conn.write(buffer.subarray(at, n));
      }
    } catch {
      // the client's assertions say what went wrong
    } finally {
      conn.close();
    }
  }

  for (const [kind, suite, group] of CASES) {
    it(`${kind} certificate, ${suite}, ${group}: verified, 1 MiB echoed both ways`, async () => {
      const port = startRustls(kind);
      const conn = await connect({ ...base(port), cipherSuites: [suite], groups: [group] });
      const p = conn.negotiated!;
      // rustls signs with its own preference among what we offer: RSA-PSS with SHA-512 first.
      expect([p.version, p.cipherSuite, p.group, p.signatureScheme]).toEqual(['TLSv1.3', suite, group, kind === 'rsa2048' ? 'rsa_pss_rsae_sha512' : SCHEME[kind]]);
      expect(p.verifiedPath).toHaveLength(3);
      expect(conn.authorized).toBe(true);
      const up = randomBytes(MiB);
      const [echoed] = await Promise.all([readExactly(conn, MiB), conn.write(up)]);
      expect(await sha256(echoed)).toBe(await sha256(up));
      await conn.shutdown();
      expect(await conn.read()).toBeNull(); // rustls answers our close_notify with its own
      conn.destroy();
    });
  }

  it('ALPN: rustls picks from what we offer; alpnProtocol says which', async () => {
    const port = startRustls('p256', ['h2', 'http/1.1']);
    const conn = await connect({ ...base(port), alpnProtocols: ['http/1.1'] });
    expect(conn.alpnProtocol).toBe('http/1.1');
    expect(conn.negotiated!.alpn).toBe('http/1.1');
    await conn.write(text('ping'));
    expect(new TextDecoder().decode(await readExactly(conn, 4))).toBe('ping');
    await conn.close();
  });
});

describe('rxtls client on Deno -> openssl s_server -tls1_3', () => {
  const servers: OpensslServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.child.stop();
  });

  async function start(kind: ServerKind, extra: { groups?: string; alpn?: string; extraArgs?: string[] } = {}): Promise<OpensslServer> {
    const server = await startOpensslServer({ cert: pki.servers[kind].certPath, key: pki.servers[kind].keyPath, chain: pki.intermediatePath, groups: 'X25519:P-256:P-384', ...extra });
    servers.push(server);
    return server;
  }

  /** 1 MiB each way through s_server -quiet (stdin to us, stdout from us), then a clean close. */
  async function bothWays(server: OpensslServer, conn: TlsConn): Promise<void> {
    const before = server.child.stdout.length;
    const up = randomBytes(MiB);
    const down = randomBytes(MiB);
    const [received] = await Promise.all([readExactly(conn, MiB), conn.write(up), server.child.write(down)]);
    expect(await sha256(received)).toBe(await sha256(down));
    await server.child.stdout.until(() => server.child.stdout.length >= before + MiB, '1 MiB at s_server');
    expect(await sha256(server.child.stdout.bytes().subarray(before, before + MiB))).toBe(await sha256(up));
    await conn.shutdown();
    expect(await conn.read()).toBeNull(); // s_server's close_notify: a clean end
    expect(await lastValueFrom(conn.close$)).toEqual({ clean: true });
  }

  for (const [kind, suite, group] of CASES) {
    it(`${kind} certificate, ${suite}, ${group}: verified, 1 MiB both ways`, async () => {
      const server = await start(kind);
      const conn = await connect({ ...base(server.port), cipherSuites: [suite], groups: [group] });
      const p = conn.negotiated!;
      expect([p.cipherSuite, p.group, p.signatureScheme]).toEqual([suite, group, SCHEME[kind]]);
      expect(conn.getProtocol()).toBe('TLSv1.3');
      expect(conn.getPeerCertificate()?.subjectAltNames.dns).toContain('localhost');
      expect(conn.peerCertificates).toHaveLength(2);
      await bothWays(server, conn);
    });
  }

  it('HelloRetryRequest: s_server only takes P-384, our first share is x25519', async () => {
    const server = await start('p256', { groups: 'P-384' });
    const conn = await connect({ ...base(server.port), handshake: false });
    const steps = lastValueFrom(conn.handshake$.pipe(toArray()));
    await conn.handshake();
    const types = (await steps).map((s) => s.type);
    expect(types).toContain('hello-retry-request');
    expect(types.filter((t) => t === 'client-hello-sent')).toHaveLength(2);
    expect(conn.negotiated!.group).toBe('secp384r1');
    expect(conn.negotiated!.helloRetry).toBe(true);
    await bothWays(server, conn);
  });

  it('ALPN: s_server picks a protocol we offered (names or the wire format)', async () => {
    const server = await start('p256', { alpn: 'h2,http/1.1' });
    const conn = await connect({ ...base(server.port), alpnProtocols: new Uint8Array([8, ...text('http/1.1'), 2, ...text('h2')]) });
    expect(['h2', 'http/1.1']).toContain(conn.alpnProtocol);
    await bothWays(server, conn);
  });

  it('key log: our lines equal the ones openssl writes', async () => {
    const dir = await Deno.makeTempDir({ prefix: 'rxtls-deno-keylog-' });
    const server = await start('p256', { extraArgs: ['-keylogfile', `${dir}/server.keylog`] });
    const lines: string[] = [];
    const conn = await connect({ ...base(server.port), keylog: (line) => lines.push(line) });
    await bothWays(server, conn);
    const theirs = (await Deno.readTextFile(`${dir}/server.keylog`)).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines).toHaveLength(5);
    expect([...lines].sort()).toEqual([...theirs].sort());
    await Deno.remove(dir, { recursive: true });
  });

  it('client certificate (cert/key): s_server -Verify 1 accepts it; without one it refuses with certificate_required', async () => {
    const server = await start('p256', { extraArgs: ['-Verify', '1', '-CAfile', pki.rootPath, '-verify_return_error'] });
    const withCert = await connect({ ...base(server.port), cert: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem });
    await bothWays(server, withCert);

    const without = await connect(base(server.port));
    // TLS 1.3: the client finishes first; the server's alert arrives with the first read.
    const err = await without.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alertName).toBe('certificate_required');
    expect((err as TlsError).origin).toBe('peer');
    expect(await lastValueFrom(without.close$)).toEqual({ clean: false, error: err });
  });

  it('an expired certificate: CertificateError, established and handshake$ carry it, the connection is closed', async () => {
    const cert = pki.bad.expired;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: cert.chainPath });
    servers.push(server);
    const err = await connect(base(server.port)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).failure).toBe('expired');
    expect((err as CertificateError).alertName).toBe('certificate_expired');
  });

  it('rejectUnauthorized: false connects to a wrong-host certificate and reports why it is not authorized', async () => {
    const cert = pki.bad.wrongHost;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: cert.chainPath });
    servers.push(server);
    const conn = await connect({ ...base(server.port), rejectUnauthorized: false });
    expect(conn.authorized).toBe(false);
    expect(conn.authorizationError).toBeInstanceOf(CertificateError);
    expect((conn.authorizationError as CertificateError).failure).toBe('hostname-mismatch');
    expect(conn.negotiated!.verifiedPath).toEqual([]);
    conn.destroy();
  });
});
