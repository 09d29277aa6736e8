// TLS 1.2 against OpenSSL in both roles: every suite × group × certificate type with 1 MiB each
// way, resumption, client certificates, ALPN, the key log, and the downgrade and fallback rules.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtensionType, TlsClientContext, TlsError, type NegotiatedParameters } from '@rxtls/core';
import { createServer } from '../../src/index.ts';
import { connectTls, createTlsServer } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';
import { sClient, sClientTranscript } from '../support/openssl-client.ts';
import { MiB, echoBothWays, echoSession } from '../support/session-io.ts';
import { echoServer as echoServerWith } from './echo-server.ts';
import { CERTS, EXPECTED_SCHEME, GROUPS, groupsFor, opensslGroup, suitesFor, type CertKind } from './matrix.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const opensslServer = (kind: CertKind, extra: Partial<Parameters<typeof startOpensslServer>[0]> = {}): Promise<OpensslServer> =>
  startOpensslServer({ cert: pki.servers[kind].certPath, key: pki.servers[kind].keyPath, chain: pki.intermediatePath, version: '-tls1_2', groups: 'X25519:P-256:P-384', ...extra });

describe.each(CERTS)('rxtls client → openssl s_server -tls1_2 (%s)', (kind) => {
  let server: OpensslServer;
  beforeAll(async () => {
    server = await opensslServer(kind);
  });
  afterAll(() => server?.stop());
  for (const [suite] of suitesFor(kind)) {
    for (const [group] of GROUPS) {
      it(`${suite} ${group}: verified, extended master secret, 1 MiB both ways`, async () => {
        const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, groups: groupsFor(kind, group), cipherSuites: [suite] });
        try {
          const p = session.connection.negotiated!;
          // OpenSSL signs TLS 1.2 with the first of our schemes its key can make: SHA-256 for P-384 too.
          const scheme = kind === 'p384' ? 'ecdsa_secp256r1_sha256' : EXPECTED_SCHEME[kind];
          expect([p.version, p.cipherSuite, p.group, p.signatureScheme, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, scheme, true]);
          expect(p.verifiedPath.length).toBe(3);
          await echoBothWays(server, session);
        } finally {
          session.destroy();
        }
      });
    }
  }
});

const echoServer = (kind: CertKind, extra: Record<string, unknown>, seen: NegotiatedParameters[]) => echoServerWith(pki, kind, extra, seen);

describe.each(CERTS)('openssl s_client -tls1_2 → rxtls server (%s)', (kind) => {
  const servers = new Map<string, { server: Server; port: number }>();
  const seen: NegotiatedParameters[] = [];
  afterAll(() => {
    for (const s of servers.values()) s.server.close();
  });
  for (const [suite, opensslName] of suitesFor(kind)) {
    for (const [group] of GROUPS) {
      it(`${opensslName} ${opensslGroup(group)}: verified by openssl, 1 MiB echoed`, async () => {
        // The server takes only `group`; the client also names the certificate's curve (RFC 8422 §5.1.1).
        if (!servers.has(group)) servers.set(group, await echoServer(kind, { groups: [group] }, seen));
        const { port } = servers.get(group)!;
        const data = randomBytes(MiB);
        const { echoed } = await sClient(port, { caFile: pki.rootPath, version: '-tls1_2', args: ['-cipher', opensslName, '-groups', groupsFor(kind, group).map(opensslGroup).join(':')] }, data);
        expect(echoed.subarray(0, MiB).equals(data)).toBe(true);
        const p = seen.at(-1)!;
        expect([p.version, p.cipherSuite, p.group, p.signatureScheme, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, EXPECTED_SCHEME[kind], true]);
      });
    }
  }
});

describe('TLS 1.2 with openssl: resumption, client certificates, ALPN, key log', () => {
  it('rxtls client → s_server: the second connection resumes the ticket (no certificate), 1 MiB each time', async () => {
    const server = await opensslServer('p256');
    try {
      const context = new TlsClientContext({ ca: pki.rootPem });
      for (const expectResumed of [false, true]) {
        const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', context });
        const steps: string[] = [];
        session.handshake$.subscribe((e) => steps.push(e.type));
        expect(session.connection.negotiated!.resumed).toBe(expectResumed);
        expect(steps.includes('certificate')).toBe(!expectResumed);
        // OpenSSL issues a ticket on the full handshake; a resumed one keeps the ticket it has.
        if (!expectResumed) expect(steps).toContain('new-session-ticket');
        await echoBothWays(server, session);
      }
    } finally {
      await server.stop();
    }
  });

  it('s_client -sess_out / -sess_in → rxtls server: resumed ("Reused, TLSv1.2") on both sides', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer('rsa2048', {}, seen);
    const sess = join(mkdtempSync(join(tmpdir(), 'rxtls-12-')), 'session.pem');
    try {
      const common = ['-tls1_2', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error'];
      const first = await sClientTranscript(port, [...common, '-sess_out', sess], 'one\n');
      expect(first.output).toMatch(/New, TLSv1\.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256/);
      const second = await sClientTranscript(port, [...common, '-sess_in', sess], 'two\n');
      expect(second.output).toMatch(/Reused, TLSv1\.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256/);
      expect(seen.map((p) => p.resumed)).toEqual([false, true]);
      expect(second.output).toMatch(/two/);
    } finally {
      server.close();
    }
  });

  it('session-id resumption: s_client -no_ticket -sess_out / -sess_in → rxtls server resumes from its session cache', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer('p256', {}, seen);
    const sess = join(mkdtempSync(join(tmpdir(), 'rxtls-12-')), 'session.pem');
    try {
      const common = ['-tls1_2', '-no_ticket', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error'];
      const first = await sClientTranscript(port, [...common, '-sess_out', sess], 'one\n');
      expect(first.output).toMatch(/New, TLSv1\.2/);
      expect(first.output).not.toMatch(/TLS session ticket:/);
      const second = await sClientTranscript(port, [...common, '-sess_in', sess], 'two\n');
      expect(second.output).toMatch(/Reused, TLSv1\.2/);
      expect(seen.map((p) => p.resumed)).toEqual([false, true]);
      // Without the cache, the same session id gets a full handshake.
      const { server: noCache, port: port2 } = await echoServer('p256', { sessionCache: false }, seen);
      try {
        const third = await sClientTranscript(port2, [...common, '-sess_out', sess], 'three\n');
        expect(third.output).toMatch(/Session-ID: \n/); // no id given, nothing to resume
      } finally {
        noCache.close();
      }
    } finally {
      server.close();
    }
  });

  it('client certificate asked by s_server -Verify: sent and accepted; without one the handshake fails', async () => {
    const server = await opensslServer('p256', { extraArgs: ['-Verify', '1', '-CAfile', pki.rootPath] });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } });
      const steps: { type: string; empty?: boolean }[] = [];
      session.handshake$.subscribe((e) => steps.push(e as { type: string; empty?: boolean }));
      expect(steps).toContainEqual(expect.objectContaining({ type: 'client-certificate-sent', empty: false }));
      await echoBothWays(server, session);
      await expect(connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem })).rejects.toThrow(TlsError);
    } finally {
      await server.stop();
    }
  });

  it('s_client -cert → rxtls server with clientAuth: the client chain is validated', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer('p384', { clientAuth: { ca: pki.rootPem } }, seen);
    try {
      const data = randomBytes(64 * 1024);
      const { echoed } = await sClient(port, { caFile: pki.rootPath, version: '-tls1_2', args: ['-cert', pki.client.certPath, '-key', pki.client.keyPath, '-cert_chain', pki.intermediatePath] }, data);
      expect(echoed.equals(data)).toBe(true);
      expect(seen[0]!.verifiedPath).toHaveLength(3);
      await expect(sClient(port, { caFile: pki.rootPath, version: '-tls1_2' }, data)).rejects.toThrow(/handshake failure/);
    } finally {
      server.close();
    }
  });

  it('ALPN: s_server -alpn picks by its own preference from our offer', async () => {
    const server = await opensslServer('ed25519', { alpn: 'h2,http/1.1' });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, alpnProtocols: ['http/1.1', 'h2'] });
      expect(session.connection.negotiated!.alpn).toBe('h2');
      await echoBothWays(server, session);
    } finally {
      await server.stop();
    }
  });

  it('the key log line (CLIENT_RANDOM) is the one openssl writes', async () => {
    const keylogFile = join(mkdtempSync(join(tmpdir(), 'rxtls-12-')), 'keys.log');
    const server = await opensslServer('rsa2048', { keylogFile });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, keylog: true });
      const lines: string[] = [];
      session.keylog$.subscribe((l) => lines.push(l));
      await echoBothWays(server, session);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
      const theirs = readFileSync(keylogFile, 'utf8').split('\n').filter((l) => l.startsWith('CLIENT_RANDOM'));
      expect(theirs).toEqual(lines);
    } finally {
      await server.stop();
    }
  });
});

describe('TLS 1.2 with openssl: downgrade, fallback, old versions', () => {
  /** Our ClientHello without supported_versions: what a man in the middle strips to force TLS 1.2. */
  const stripVersions = { rewriteClientHelloExtensions: (exts: readonly { type: number; data: Uint8Array }[]) => exts.filter((e) => e.type !== ExtensionType.supported_versions) };

  it('a 1.3-capable rxtls client refuses a TLS 1.3 server made to answer with TLS 1.2 (DOWNGRD sentinel): illegal_parameter', async () => {
    const server = await opensslServer('p256', { version: 'any' });
    try {
      const attempt = connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, testing: stripVersions });
      await expect(attempt).rejects.toMatchObject({ alertName: 'illegal_parameter', message: expect.stringMatching(/downgrade sentinel/) });
    } finally {
      await server.stop();
    }
  });

  it('the same stripped ClientHello with maxVersion TLSv1.2 is a plain TLS 1.2 client: the sentinel is expected and accepted', async () => {
    const server = await opensslServer('p256', { version: 'any' });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2' });
      expect(session.connection.negotiated!.version).toBe('TLSv1.2');
      await echoBothWays(server, session);
    } finally {
      await server.stop();
    }
  });

  it('rxtls server (TLS 1.3 capable) puts the sentinel in a TLS 1.2 ServerHello; s_client -tls1_2 connects', async () => {
    const { server, port } = await echoServer('p256', {}, []);
    try {
      const out = await sClientTranscript(port, ['-tls1_2', '-CAfile', pki.rootPath, '-servername', 'localhost', '-msg'], 'x\n');
      // -msg prints the ServerHello bytes: its random (bytes 6..38 of the message) ends in "DOWNGRD\x01".
      const hello = /<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], ServerHello\s+((?:[0-9a-f]{2}\s+)+)/.exec(out.output);
      expect(hello).not.toBeNull();
      const bytes = hello![1]!.trim().split(/\s+/).map((h) => parseInt(h, 16));
      expect(Buffer.from(bytes.slice(6 + 24, 6 + 32)).toString('latin1')).toBe('DOWNGRD\x01');
    } finally {
      server.close();
    }
  });

  it('TLS_FALLBACK_SCSV: s_client -tls1_2 -fallback_scsv is refused with inappropriate_fallback; by a TLS 1.2-only server it is not', async () => {
    for (const [maxVersion, refused] of [['TLSv1.3', true], ['TLSv1.2', false]] as const) {
      const { server, port } = await echoServer('p256', { maxVersion }, []);
      try {
        const out = await sClientTranscript(port, ['-tls1_2', '-fallback_scsv', '-CAfile', pki.rootPath, '-servername', 'localhost'], 'x\n');
        expect(/inappropriate fallback/.test(out.output), out.output).toBe(refused);
      } finally {
        server.close();
      }
    }
  });

  it('a TLS 1.1-only client gets protocol_version, and the server says which versions each side has', async () => {
    const server = createServer({ cert: pki.servers.p256.certPem + pki.intermediatePem, key: pki.servers.p256.keyPem }, (socket) => socket.end());
    let failure: Error | undefined;
    server.on('tlsClientError', (e: Error) => (failure = e));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const out = await sClientTranscript(port, ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', '-servername', 'localhost'], 'x\n');
      expect(out.output).toMatch(/alert protocol version/);
      for (let i = 0; i < 50 && failure === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      expect(failure?.message).toMatch(/client offers TLSv1\.1.*; we speak TLSv1\.2 to TLSv1\.3/);
    } finally {
      server.close();
    }
  });

  it('s_server asking to renegotiate (HelloRequest): the rxtls client ignores it, sends no alert, and keeps sending', async () => {
    const server = await opensslServer('p256', { interactive: true });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      const seen: string[] = [];
      let sawRequest!: () => void;
      const requested = new Promise<void>((resolve) => (sawRequest = resolve));
      session.messages$.subscribe((m) => {
        if (m.kind === 'handshake' && m.direction === 'received' && m.messageType === 'hello_request') sawRequest();
        if (m.kind === 'alert') seen.push(`${m.direction} ${m.description}`);
      });
      void session.read().catch(() => null); // keep reading, so the HelloRequest is taken in
      server.process.stdin.write('R\n');
      await requested;
      await session.write(Buffer.from('still here after the HelloRequest\n'));
      await server.waitForReceived(0);
      for (let i = 0; i < 100 && !server.received().toString().includes('still here'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(server.received().toString()).toContain('still here after the HelloRequest');
      expect(session.connection.isEstablished).toBe(true);
      expect(seen).toEqual([]);
      session.destroy();
    } finally {
      await server.stop();
    }
  });

  it('s_client asking to renegotiate (a new ClientHello): the rxtls server answers no_renegotiation and does not renegotiate', async () => {
    const failures: Error[] = [];
    const server = createServer({ cert: pki.servers.p256.certPem + pki.intermediatePem, key: pki.servers.p256.keyPem }, (socket) => {
      socket.on('data', () => undefined);
      socket.on('error', (e: Error) => failures.push(e)); // s_client answers our refusal with handshake_failure
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      // s_client reads "R" at the start of a line as "renegotiate".
      const out = await sClientTranscript(port, ['-tls1_2', '-CAfile', pki.rootPath, '-servername', 'localhost', '-msg'], 'R\n', 2500);
      expect(out.output).toMatch(/RENEGOTIATING/);
      expect(out.output).toMatch(/<<< TLS 1\.2, Alert \[length 0002\], warning no_renegotiation/);
      expect(out.output.match(/<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], ServerHello\n/g)).toHaveLength(1); // no second handshake
      expect(failures.map((e) => (e as TlsError).alertName)).toEqual(['handshake_failure']);
    } finally {
      server.close();
    }
  });
});
