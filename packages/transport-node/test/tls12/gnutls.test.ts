// TLS 1.2 against GnuTLS (gnutls-bin; .ci/run installs it) in both roles: every suite × group ×
// certificate type with 1 MiB each way, resumption, client certificates, and a peer without the
// extended master secret (GnuTLS's %NO_SESSION_HASH).
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsClientContext, TlsError, type CipherSuite12Name, type KeyExchangeGroup, type NegotiatedParameters } from '@rxtls/core';
import { connectTls } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { gnutlsCli, haveGnutls, startGnutlsServer, type GnutlsServer } from '../support/gnutls.ts';
import { MiB, readExactly } from '../support/session-io.ts';
import { echoServer } from './echo-server.ts';
import { CERTS, EXPECTED_SCHEME, GROUPS, gnutlsCipher, groupsFor, suitesFor, type CertKind } from './matrix.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** TLS 1.2 only, Ed25519 signatures allowed (GnuTLS leaves them out of NORMAL). */
const TLS12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2:+SIGN-EDDSA-ED25519';
const gnutlsGroup = (group: KeyExchangeGroup): string => GROUPS.find(([g]) => g === group)![2];
/** A priority string offering only `suite`'s cipher and the groups `groups`. */
const only = (suite: CipherSuite12Name, groups: readonly KeyExchangeGroup[]): string => `${TLS12}:-CIPHER-ALL:+${gnutlsCipher(suite)}:-GROUP-ALL:${groups.map((g) => `+${gnutlsGroup(g)}`).join(':')}`;

const serverFiles = (kind: CertKind): { chainFile: string; keyFile: string } => ({ chainFile: pki.servers[kind].chainPath, keyFile: pki.servers[kind].keyPath });

/** `bytes` of text in lines of 4 KiB (gnutls-cli and gnutls-serv --echo work line by line). */
const text = (bytes: number): string => (randomBytes((bytes * 3) / 4).toString('base64').match(/.{1,4095}/g) ?? []).join('\n') + '\n';
/**
 * gnutls-cli feeds its stdin at about 400 KB/s (measured here against gnutls-serv itself: 1 MiB
 * in 3.0 s): its direction carries 256 KiB per case, the other direction 1 MiB.
 */
const CLI_BYTES = 256 * 1024;

// In CI GnuTLS must be there (.ci/run installs it); on a developer machine without it, skip.
const runGnutls = haveGnutls || process.env.CI !== undefined;

describe.runIf(runGnutls).each(CERTS)('rxtls client → gnutls-serv, TLS 1.2 (%s)', (kind) => {
  const servers = new Map<string, GnutlsServer>();
  afterAll(async () => {
    for (const s of servers.values()) await s.stop();
  });
  for (const [suite] of suitesFor(kind)) {
    for (const [group] of GROUPS) {
      it(`${suite} ${group}: verified, 1 MiB echoed`, async () => {
        // gnutls-serv takes only `group`; we also name the certificate's curve (RFC 8422 §5.1.1).
        if (!servers.has(group)) servers.set(group, await startGnutlsServer({ ...serverFiles(kind), priority: `${TLS12}:-GROUP-ALL:+${gnutlsGroup(group)}` }));
        const session = await connectTls({ host: '127.0.0.1', port: servers.get(group)!.port, servername: 'localhost', ca: pki.rootPem, groups: groupsFor(kind, group), cipherSuites: [suite] });
        try {
          const p = session.connection.negotiated!;
          expect([p.version, p.cipherSuite, p.group, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, true]);
          // gnutls-serv --echo answers line by line.
          const data = Buffer.from(text(MiB));
          const [echoed] = await Promise.all([readExactly(session, data.length), session.write(data)]);
          expect(echoed.equals(data)).toBe(true);
        } finally {
          session.destroy();
        }
      });
    }
  }
});

describe.runIf(runGnutls).each(CERTS)('gnutls-cli → rxtls server, TLS 1.2 (%s)', (kind) => {
  const servers = new Map<string, { server: Server; port: number }>();
  const seen: NegotiatedParameters[] = [];
  afterAll(() => {
    for (const s of servers.values()) s.server.close();
  });
  for (const [suite] of suitesFor(kind)) {
    for (const [group] of GROUPS) {
      it(`${suite} ${group}: verified by gnutls-cli, 256 KiB echoed`, async () => {
        if (!servers.has(group)) servers.set(group, await echoServer(pki, kind, { groups: [group] }, seen));
        const sent = text(CLI_BYTES);
        const { echoed } = await gnutlsCli(servers.get(group)!.port, { caFile: pki.rootPath, priority: only(suite, groupsFor(kind, group)) }, sent);
        expect(echoed.includes(sent)).toBe(true);
        const p = seen.at(-1)!;
        expect([p.version, p.cipherSuite, p.group, p.signatureScheme, p.extendedMasterSecret]).toEqual(['TLSv1.2', suite, group, EXPECTED_SCHEME[kind], true]);
      });
    }
  }
});

describe.runIf(runGnutls)('TLS 1.2 with GnuTLS: resumption, client certificates, no extended master secret', () => {
  it('gnutls-cli --resume → rxtls server: the second connection resumes', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer(pki, 'rsa2048', {}, seen);
    try {
      const { echoed } = await gnutlsCli(port, { caFile: pki.rootPath, priority: TLS12, args: ['--resume'] }, 'resume me\n');
      expect(echoed).toMatch(/This is a resumed session/);
      expect(seen.map((p) => p.resumed)).toEqual([false, true]);
    } finally {
      server.close();
    }
  });

  it('rxtls client → gnutls-serv: the second connection resumes its ticket', async () => {
    const server = await startGnutlsServer({ ...serverFiles('p256'), priority: TLS12 });
    try {
      const context = new TlsClientContext({ ca: pki.rootPem });
      for (const resumed of [false, true]) {
        const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', context });
        expect(session.connection.negotiated!.resumed).toBe(resumed);
        const [echoed] = await Promise.all([readExactly(session, 6), session.write(Buffer.from('hello\n'))]);
        expect(echoed.toString()).toBe('hello\n');
        session.destroy();
      }
    } finally {
      await server.stop();
    }
  });

  it('client certificates both ways', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server, port } = await echoServer(pki, 'p384', { clientAuth: { ca: pki.rootPem } }, seen);
    const gnutls = await startGnutlsServer({ ...serverFiles('p256'), priority: TLS12, args: ['--require-client-cert', '--verify-client-cert', '--x509cafile', pki.rootPath] });
    try {
      const { echoed } = await gnutlsCli(port, { caFile: pki.rootPath, priority: TLS12, args: ['--x509certfile', pki.client.chainPath, '--x509keyfile', pki.client.keyPath] }, 'with a certificate\n');
      expect(echoed).toMatch(/with a certificate/);
      expect(seen[0]!.verifiedPath).toHaveLength(3);
      const session = await connectTls({ host: '127.0.0.1', port: gnutls.port, servername: 'localhost', ca: pki.rootPem, certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } });
      const [back] = await Promise.all([readExactly(session, 5), session.write(Buffer.from('mTLS\n'))]);
      expect(back.toString()).toBe('mTLS\n');
      session.destroy();
    } finally {
      server.close();
      await gnutls.stop();
    }
  });

  it('a server without the extended master secret is refused (handshake_failure), unless requireExtendedMasterSecret is false', async () => {
    const server = await startGnutlsServer({ ...serverFiles('p256'), priority: `${TLS12}:%NO_SESSION_HASH` });
    try {
      const refused = connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      await expect(refused).rejects.toBeInstanceOf(TlsError);
      await expect(refused).rejects.toMatchObject({ alertName: 'handshake_failure', message: expect.stringMatching(/extended master secret/) });
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, requireExtendedMasterSecret: false });
      expect(session.connection.negotiated!.extendedMasterSecret).toBe(false);
      const [echoed] = await Promise.all([readExactly(session, 7), session.write(Buffer.from('legacy\n'))]);
      expect(echoed.toString()).toBe('legacy\n');
      session.destroy();
    } finally {
      await server.stop();
    }
  });

  it('a client without the extended master secret is refused, unless the server allows it', async () => {
    for (const [requireExtendedMasterSecret, accepted] of [[true, false], [false, true]] as const) {
      const seen: NegotiatedParameters[] = [];
      const { server, port } = await echoServer(pki, 'p256', { requireExtendedMasterSecret }, seen);
      try {
        const attempt = gnutlsCli(port, { caFile: pki.rootPath, priority: `${TLS12}:%NO_SESSION_HASH` }, 'no ems\n');
        if (accepted) {
          expect((await attempt).echoed).toMatch(/no ems/);
          expect(seen[0]!.extendedMasterSecret).toBe(false);
        } else {
          await expect(attempt).rejects.toThrow(/fatal alert/i);
        }
      } finally {
        server.close();
      }
    }
  });
});
