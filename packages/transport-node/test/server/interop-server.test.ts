// Real clients into the rxtls server: openssl s_client and node:tls, across suites, groups and
// certificate types, with HelloRetryRequest and ALPN, 1 MiB echoed both ways.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsSession } from '@rxtls/core';
import { createTlsServer } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { sClient as sClientWith } from '../support/openssl-client.ts';

const MiB = 1024 * 1024;
let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const negotiated: { helloRetry: boolean; group: string }[] = [];

/** Echo everything until the client closes. */
async function echo(session: TlsSession): Promise<void> {
  try {
    const p = await session.handshake();
    negotiated.push({ helloRetry: p.helloRetry, group: p.group });
    for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) await session.write(chunk);
    await session.shutdown();
  } catch {
    // a failed handshake is the client's test to judge
  } finally {
    session.destroy();
  }
}

async function startServer(kind: 'p256' | 'p384' | 'ed25519' | 'rsa2048', extra: Record<string, unknown> = {}): Promise<{ server: Server; port: number }> {
  const server = createTlsServer({ certificates: [{ chain: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem }], ...extra }, (session) => void echo(session));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** `openssl s_client -tls1_3 -quiet` against our server (see support/openssl-client.ts). */
const sClient = (port: number, args: readonly string[], data: Buffer) => sClientWith(port, { caFile: pki.rootPath, args }, data);

describe('openssl s_client -> rxtls server', () => {
  const cases: ['p256' | 'p384' | 'ed25519' | 'rsa2048', string, string][] = [];
  for (const kind of ['p256', 'p384', 'ed25519', 'rsa2048'] as const) {
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      for (const group of ['X25519', 'P-256', 'P-384']) cases.push([kind, suite, group]);
    }
  }
  const servers = new Map<string, { server: Server; port: number }>();
  afterAll(() => {
    for (const s of servers.values()) s.server.close();
  });
  for (const [kind, suite, group] of cases) {
    it(`${kind} ${suite} ${group}: verified by openssl, 1 MiB echoed`, async () => {
      if (!servers.has(kind)) servers.set(kind, await startServer(kind));
      const { port } = servers.get(kind)!;
      const data = randomBytes(MiB);
      const { echoed } = await sClient(port, ['-ciphersuites', suite, '-groups', group], data);
      expect(echoed.subarray(0, MiB).equals(data)).toBe(true);
    });
  }

  it('HelloRetryRequest: s_client -groups X25519:P-256 against a server that accepts only P-256', async () => {
    const { server, port } = await startServer('p256', { groups: ['secp256r1'] });
    try {
      const data = randomBytes(MiB);
      const before = negotiated.length;
      const { echoed } = await sClient(port, ['-groups', 'X25519:P-256'], data);
      expect(echoed.subarray(0, MiB).equals(data)).toBe(true);
      expect(negotiated.slice(before)).toEqual([{ helloRetry: true, group: 'secp256r1' }]);
    } finally {
      server.close();
    }
  });
});

describe('node:tls client -> rxtls server', () => {
  let srv: { server: Server; port: number };
  beforeAll(async () => {
    srv = await startServer('rsa2048', { alpnProtocols: ['h2', 'http/1.1'] });
  });
  afterAll(() => srv?.server.close());

  it('verifies, negotiates ALPN by server preference, echoes 1 MiB', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1', 'h2'], minVersion: 'TLSv1.3' });
    await once(socket, 'secureConnect');
    expect(socket.authorized).toBe(true);
    expect(socket.alpnProtocol).toBe('h2');
    expect(socket.getProtocol()).toBe('TLSv1.3');
    const data = randomBytes(MiB);
    const chunks: Buffer[] = [];
    let got = 0;
    const done = new Promise<void>((resolve) =>
      socket.on('data', (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got >= MiB) resolve();
      }),
    );
    socket.write(data);
    await done;
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    socket.end();
    await once(socket, 'close');
  });
});
