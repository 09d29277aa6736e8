// TLS 1.2 on Deno against openssl in both roles: every TLS 1.2 suite (one certificate type and
// group each), 1 MiB each way (hash-checked), the key log, resumption, client certificates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom } from 'rxjs';
import { TlsClientContext, TlsServerContext, type CipherSuite12Name, type KeyExchangeGroup, type NegotiatedParameters } from '@rxtls/core';
import { connect, listen, type TlsConn } from '../src/index.ts';
import { MiB, randomBytes, readExactly, sha256 } from './support/bytes.ts';
import { Deno, portOf } from './support/deno.ts';
import { listenersClosedAfterAll } from './support/listeners.ts';
import { spawn, startOpensslServer, type OpensslServer } from './support/openssl.ts';
import { getTestPki, type ServerKind, type TestPki } from './support/pki.ts';

/** Each TLS 1.2 suite once, with a certificate it can use and a group. */
const CASES: readonly [ServerKind, CipherSuite12Name, string, KeyExchangeGroup][] = [
  ['p256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'x25519'],
  ['p384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'secp384r1'],
  ['ed25519', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'secp256r1'],
  ['rsa2048', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'x25519'],
  ['rsa2048', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'secp256r1'],
  ['rsa2048', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305', 'secp384r1'],
];

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const base = (port: number) => ({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem });

describe('rxtls client on Deno -> openssl s_server -tls1_2', () => {
  const servers: OpensslServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.child.stop();
  });
  async function start(kind: ServerKind, extraArgs: string[] = []): Promise<OpensslServer> {
    const server = await startOpensslServer({ cert: pki.servers[kind].certPath, key: pki.servers[kind].keyPath, chain: pki.intermediatePath, groups: 'X25519:P-256:P-384', version: '-tls1_2', extraArgs });
    servers.push(server);
    return server;
  }
  async function bothWays(server: OpensslServer, conn: TlsConn): Promise<void> {
    const before = server.child.stdout.length;
    const up = randomBytes(MiB);
    const down = randomBytes(MiB);
    const [received] = await Promise.all([readExactly(conn, MiB), conn.write(up), server.child.write(down)]);
    expect(await sha256(received)).toBe(await sha256(down));
    await server.child.stdout.until(() => server.child.stdout.length >= before + MiB, '1 MiB at s_server');
    expect(await sha256(server.child.stdout.bytes().subarray(before, before + MiB))).toBe(await sha256(up));
    await conn.shutdown();
    expect(await conn.read()).toBeNull();
    expect(await lastValueFrom(conn.close$)).toEqual({ clean: true });
  }

  for (const [kind, suite, , group] of CASES) {
    it(`${kind} certificate, ${suite}, ${group}: verified, 1 MiB both ways`, async () => {
      const server = await start(kind);
      // RFC 8422 §5.1.1: supported_groups also names the curve of an ECDSA certificate.
      const curve: KeyExchangeGroup | undefined = kind === 'p256' ? 'secp256r1' : kind === 'p384' ? 'secp384r1' : undefined;
      const conn = await connect({ ...base(server.port), cipherSuites: [suite], groups: curve === undefined || curve === group ? [group] : [group, curve] });
      const p = conn.negotiated!;
      expect([p.version, p.cipherSuite, p.group, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, true]);
      expect(conn.getProtocol()).toBe('TLSv1.2');
      await bothWays(server, conn);
    });
  }

  it('key log: the CLIENT_RANDOM line is the one openssl writes', async () => {
    const dir = await Deno.makeTempDir({ prefix: 'rxtls-deno-keylog12-' });
    const server = await start('p256', ['-keylogfile', `${dir}/server.keylog`]);
    const lines: string[] = [];
    const conn = await connect({ ...base(server.port), keylog: (line) => lines.push(line) });
    await bothWays(server, conn);
    const theirs = (await Deno.readTextFile(`${dir}/server.keylog`)).split('\n').filter((l) => l.startsWith('CLIENT_RANDOM'));
    expect(lines).toEqual(theirs);
    expect(lines).toHaveLength(1);
    await Deno.remove(dir, { recursive: true });
  });

  it('resumption with the ticket s_server gave; a client certificate to s_server -Verify 1', async () => {
    const server = await start('rsa2048', ['-Verify', '1', '-CAfile', pki.rootPath]);
    const context = new TlsClientContext({ ca: pki.rootPem, certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } });
    for (const resumed of [false, true]) {
      const conn = await connect({ hostname: '127.0.0.1', port: server.port, servername: 'localhost', context });
      expect(conn.negotiated!.resumed).toBe(resumed);
      await bothWays(server, conn);
    }
  });
});

describe('openssl s_client -tls1_2 -> rxtls server on Deno', () => {
  const listeners = listenersClosedAfterAll();
  function startServer(kind: ServerKind, extra: Record<string, unknown> = {}): { port: number; seen: NegotiatedParameters[] } {
    const seen: NegotiatedParameters[] = [];
    const listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem, ...extra }, async (conn) => {
      try {
        seen.push(await conn.established);
        for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) await conn.write(chunk);
        await conn.close();
      } catch {
        // the client's assertions say what went wrong
      }
    });
    listeners.push(listener);
    return { port: portOf(listener.addr), seen };
  }

  for (const [kind, suite, opensslName, group] of CASES) {
    it(`${kind} certificate, ${opensslName}: 1 MiB echoed, verified by openssl`, async () => {
      const { port, seen } = startServer(kind, { groups: [group] });
      const names = { x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384' } as const;
      const curve = kind === 'p256' ? 'P-256' : kind === 'p384' ? 'P-384' : undefined;
      const groups = [...new Set([names[group as keyof typeof names], ...(curve ? [curve] : [])])].join(':');
      const up = randomBytes(MiB);
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', opensslName, '-groups', groups, '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', '-quiet']);
      await child.write(up);
      await child.stdout.until(() => child.stdout.length >= MiB, 'the echo');
      await child.stop();
      expect(await sha256(child.stdout.bytes().subarray(0, MiB))).toBe(await sha256(up));
      expect([seen[0]!.version, seen[0]!.cipherSuite, seen[0]!.group, seen[0]!.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, true]);
    });
  }

  it('resumption: s_client -sess_out, then -sess_in is "Reused, TLSv1.2"', async () => {
    const context = new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] });
    const { port, seen } = startServer('p256', { context });
    const dir = await Deno.makeTempDir({ prefix: 'rxtls-deno-sess12-' });
    const run = async (args: string[]): Promise<string> => {
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', ...args]);
      await child.write('ping-12\n');
      await child.stdout.until(() => child.stdout.text().includes('ping-12'), 'the echo');
      await child.closeStdin();
      await child.process.status;
      await Promise.all([child.stdout.done, child.stderr.done]);
      return child.stdout.text() + child.stderr.text();
    };
    expect(await run(['-sess_out', `${dir}/sess.pem`])).toMatch(/New, TLSv1\.2/);
    expect(await run(['-sess_in', `${dir}/sess.pem`])).toMatch(/Reused, TLSv1\.2/);
    expect(seen.map((p) => p.resumed)).toEqual([false, true]);
    await Deno.remove(dir, { recursive: true });
  });
});
