// TLS 1.2 against node:tls in both roles: every suite × group × certificate type with 1 MiB
// echoed, resumption with Node's session, client certificates, ALPN, and what rxtls's TlsSocket
// reports (getProtocol, getCipher) next to what node:tls reports for the same connection.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:net';
import { connect as tlsConnect, createServer as createNodeTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsClientContext, type NegotiatedParameters } from '@rxtls/core';
import { connect } from '../../src/index.ts';
import { connectTls } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { MiB, readExactly } from '../support/session-io.ts';
import { echoServer } from './echo-server.ts';
import { CERTS, EXPECTED_SCHEME, GROUPS, groupsFor, opensslGroup, suitesFor, type CertKind } from './matrix.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** Send `data` over a node:tls socket and collect as much back. */
async function echoThrough(socket: TLSSocket, data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= data.length) resolve();
    });
    socket.once('error', reject);
  });
  socket.write(data);
  await done;
  return Buffer.concat(parts);
}

/** A node:tls TLS 1.2 echo server with `kind`'s certificate. */
async function nodeEchoServer(kind: CertKind, options: Record<string, unknown> = {}): Promise<{ server: Server; port: number }> {
  const server = createNodeTlsServer({ key: pki.servers[kind].keyPem, cert: pki.servers[kind].certPem + pki.intermediatePem, maxVersion: 'TLSv1.2', ...options }, (s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

describe.each(CERTS)('node:tls client (maxVersion TLSv1.2) → rxtls server (%s)', (kind) => {
  const servers = new Map<string, { server: Server; port: number }>();
  const seen: NegotiatedParameters[] = [];
  afterAll(() => {
    for (const s of servers.values()) s.server.close();
  });
  for (const [suite, opensslName] of suitesFor(kind)) {
    for (const [group] of GROUPS) {
      it(`${opensslName} ${opensslGroup(group)}: authorized, 1 MiB echoed`, async () => {
        if (!servers.has(group)) servers.set(group, await echoServer(pki, kind, { groups: [group] }, seen));
        const socket = tlsConnect({ host: '127.0.0.1', port: servers.get(group)!.port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2', ciphers: opensslName, ecdhCurve: groupsFor(kind, group).map(opensslGroup).join(':') });
        try {
          await once(socket, 'secureConnect');
          expect([socket.authorized, socket.getProtocol(), socket.getCipher().standardName]).toEqual([true, 'TLSv1.2', suite]);
          const data = randomBytes(MiB);
          expect((await echoThrough(socket, data)).equals(data)).toBe(true);
          const p = seen.at(-1)!;
          expect([p.version, p.cipherSuite, p.group, p.signatureScheme, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, EXPECTED_SCHEME[kind], true]);
        } finally {
          socket.destroy();
        }
      });
    }
  }
});

describe.each(CERTS)('rxtls client → node:tls server (maxVersion TLSv1.2, %s)', (kind) => {
  const servers = new Map<string, { server: Server; port: number }>();
  afterAll(() => {
    for (const s of servers.values()) s.server.close();
  });
  for (const [suite] of suitesFor(kind)) {
    for (const [group] of GROUPS) {
      it(`${suite} ${group}: verified, 1 MiB echoed`, async () => {
        // The server takes only `group` (node:tls picks by its own order among the client's).
        if (!servers.has(group)) servers.set(group, await nodeEchoServer(kind, { ecdhCurve: opensslGroup(group) }));
        const session = await connectTls({ host: '127.0.0.1', port: servers.get(group)!.port, servername: 'localhost', ca: pki.rootPem, groups: groupsFor(kind, group), cipherSuites: [suite] });
        try {
          const p = session.connection.negotiated!;
          expect([p.version, p.cipherSuite, p.group, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, true]);
          const data = randomBytes(MiB);
          const [echoed] = await Promise.all([readExactly(session, MiB), session.write(data)]);
          expect(echoed.equals(data)).toBe(true);
          await session.shutdown();
        } finally {
          session.destroy();
        }
      });
    }
  }
});

describe('TLS 1.2 with node:tls: resumption, client certificates, ALPN, the socket surface', () => {
  it("node:tls client resumes with the session the rxtls server's ticket gave it (isSessionReused)", async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer(pki, 'p256', {}, seen);
    try {
      const options = { host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2' as const };
      const first = tlsConnect(options);
      const session = await new Promise<Buffer>((resolve, reject) => {
        first.once('session', resolve);
        first.once('error', reject);
      });
      expect(first.isSessionReused()).toBe(false);
      first.destroy();
      const second = tlsConnect({ ...options, session });
      await once(second, 'secureConnect');
      expect(second.isSessionReused()).toBe(true);
      const data = randomBytes(64 * 1024);
      expect((await echoThrough(second, data)).equals(data)).toBe(true);
      second.destroy();
      expect(seen.map((p) => p.resumed)).toEqual([false, true]);
    } finally {
      server.close();
    }
  });

  it('rxtls client resumes against node:tls (the ticket from the first connection)', async () => {
    const node = await nodeEchoServer('rsa2048');
    try {
      const context = new TlsClientContext({ ca: pki.rootPem });
      for (const resumed of [false, true]) {
        const session = await connectTls({ host: '127.0.0.1', port: node.port, servername: 'localhost', context });
        expect(session.connection.negotiated!.resumed).toBe(resumed);
        const data = randomBytes(64 * 1024);
        const [echoed] = await Promise.all([readExactly(session, data.length), session.write(data)]);
        expect(echoed.equals(data)).toBe(true);
        // Node sends its ticket after the handshake's Finished... read it in before closing.
        await session.shutdown();
        session.destroy();
      }
    } finally {
      node.server.close();
    }
  });

  it('client certificates both ways', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer(pki, 'p256', { clientAuth: { ca: pki.rootPem } }, seen);
    const node = await nodeEchoServer('p256', { requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
    try {
      const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, maxVersion: 'TLSv1.2', key: pki.client.keyPem, cert: pki.client.certPem + pki.intermediatePem });
      await once(socket, 'secureConnect');
      expect((await echoThrough(socket, Buffer.from('ping'))).toString()).toBe('ping');
      socket.destroy();
      expect(seen[0]!.verifiedPath).toHaveLength(3);

      const session = await connectTls({ host: '127.0.0.1', port: node.port, servername: 'localhost', ca: pki.rootPem, certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } });
      const [echoed] = await Promise.all([readExactly(session, 4), session.write(Buffer.from('pong'))]);
      expect(echoed.toString()).toBe('pong');
      session.destroy();
    } finally {
      server.close();
      node.server.close();
    }
  });

  it("TlsSocket over TLS 1.2 reports what node:tls's socket reports: protocol, cipher, ALPN", async () => {
    let nodeSide: TLSSocket | undefined;
    const node = await nodeEchoServer('rsa2048', { ALPNProtocols: ['h2', 'http/1.1'] });
    node.server.on('secureConnection', (s: TLSSocket) => (nodeSide = s));
    try {
      const socket = connect({ host: '127.0.0.1', port: node.port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1', 'h2'] });
      await once(socket, 'secureConnect');
      expect(socket.getProtocol()).toBe('TLSv1.2');
      expect(socket.getProtocol()).toBe(nodeSide!.getProtocol());
      expect(socket.getCipher()).toEqual({ name: nodeSide!.getCipher().name, standardName: nodeSide!.getCipher().standardName, version: nodeSide!.getCipher().version });
      expect(socket.alpnProtocol).toBe(nodeSide!.alpnProtocol);
      socket.destroy();
    } finally {
      node.server.close();
    }
  });
});
