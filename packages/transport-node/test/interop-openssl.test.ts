import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateError, TlsError, type CipherSuiteName, type KeyExchangeGroup, type TlsSession } from '@rxtls/core';
import { connectTls } from '../src/low-level.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from './support/openssl-server.ts';
import { MiB, echoBothWays, readExactly } from './support/session-io.ts';

const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const CERTS = ['p256', 'p384', 'ed25519', 'rsa2048'] as const;
const EXPECTED_SCHEME = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', ed25519: 'ed25519', rsa2048: 'rsa_pss_rsae_sha256' } as const;

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe.each(CERTS)('rxtls client → openssl s_server -tls1_3 (%s certificate)', (certKind) => {
  let server: OpensslServer;
  beforeAll(async () => {
    const cert = pki.servers[certKind];
    server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, groups: 'X25519:P-256:P-384' });
  });
  afterAll(() => server?.stop());

  for (const group of GROUPS) {
    for (const suite of SUITES) {
      it(`${group} ${suite}: verified handshake, 1 MiB both ways`, async () => {
        const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, groups: [group], cipherSuites: [suite] });
        const p = session.connection.negotiated!;
        expect(p.version).toBe('TLSv1.3');
        expect(p.cipherSuite).toBe(suite);
        expect(p.group).toBe(group);
        expect(p.signatureScheme).toBe(EXPECTED_SCHEME[certKind]);
        expect(p.verifiedPath.length).toBe(3); // leaf, intermediate, root
        await echoBothWays(server, session);
      });
    }
  }
});

describe('rxtls client → openssl s_server: negotiation cases', () => {
  it('HelloRetryRequest: the server only accepts P-384, the client first offers an x25519 share', async () => {
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, groups: 'P-384' });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      const steps: string[] = [];
      session.handshake$.subscribe((e) => steps.push(e.type));
      expect(steps).toContain('hello-retry-request');
      expect(steps.filter((s) => s === 'client-hello-sent')).toHaveLength(2);
      expect(session.connection.negotiated!.group).toBe('secp384r1');
      expect(session.connection.negotiated!.helloRetry).toBe(true);
      await echoBothWays(server, session);
    } finally {
      await server.stop();
    }
  });

  it('ALPN: the server picks a protocol we offered', async () => {
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, alpn: 'h2,http/1.1' });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, alpnProtocols: ['http/1.1', 'h2'] });
      expect(['h2', 'http/1.1']).toContain(session.connection.negotiated!.alpn);
      await echoBothWays(server, session);
    } finally {
      await server.stop();
    }
  });

  it('key log: the lines openssl writes equal ours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxtls-keylog-'));
    const keylogFile = join(dir, 'server.keylog');
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, keylogFile });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, keylog: true });
      const ours: string[] = [];
      session.keylog$.subscribe((l) => ours.push(l));
      await echoBothWays(server, session);
      const theirs = readFileSync(keylogFile, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(ours.length).toBe(5);
      expect([...ours].sort()).toEqual([...theirs].sort());
    } finally {
      await server.stop();
    }
  });

  it('wrong host name: bad_certificate, and the handshake$ stream errors with the typed error', async () => {
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath });
    try {
      const failure = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'not-localhost.example', ca: pki.rootPem }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(CertificateError);
      expect((failure as CertificateError).failure).toBe('hostname-mismatch');
      expect((failure as TlsError).alertName).toBe('bad_certificate');
    } finally {
      await server.stop();
    }
  });
});

describe('rxtls client → openssl s_server: bad certificates', () => {
  const cases = [
    ['expired', 'expired', 'certificate_expired'],
    ['notYetValid', 'not-yet-valid', 'certificate_expired'],
    ['unknownCa', 'unknown-ca', 'unknown_ca'],
    ['selfSigned', 'self-signed', 'unknown_ca'],
    ['tamperedSignature', 'bad-signature', 'bad_certificate'],
    ['noServerAuthEku', 'extended-key-usage', 'unsupported_certificate'],
    ['wrongHost', 'hostname-mismatch', 'bad_certificate'],
  ] as const;
  for (const [kind, failure, alert] of cases) {
    it(`${kind}: CertificateError ${failure} with alert ${alert}`, async () => {
      const cert = pki.bad[kind];
      const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: cert.chainPath });
      try {
        const err = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CertificateError);
        expect((err as CertificateError).failure).toBe(failure);
        expect((err as TlsError).alertName).toBe(alert);
      } finally {
        await server.stop();
      }
    });
  }
});
