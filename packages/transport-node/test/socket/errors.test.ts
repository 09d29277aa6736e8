import { checkServerIdentity as nodeCheckServerIdentity, type PeerCertificate } from 'node:tls';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateError, TlsError, TransportError } from '@rxtls/core';
import { connect, type TlsSocket } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { freePort, startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** The 'error' event, the rejection of `established`, the error of handshake$, and close$. */
async function failureOf(socket: TlsSocket): Promise<{ event: unknown; established: unknown; handshake: unknown; close: { clean: boolean; error?: Error } }> {
  const event = new Promise((resolve) => socket.once('error', resolve));
  const handshake = lastValueFrom(socket.handshake$).then(
    () => 'completed',
    (e: unknown) => e,
  );
  const established = socket.established.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  return { event: await event, established: await established, handshake: await handshake, close: await firstValueFrom(socket.close$) };
}

describe('TLS failures: error event, established, handshake$, close$ carry the same typed error', () => {
  const servers: OpensslServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('an expired certificate: CertificateError expired, socket destroyed', async () => {
    const cert = pki.bad.expired;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: cert.chainPath });
    servers.push(server);
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
    const f = await failureOf(socket);
    expect(f.event).toBeInstanceOf(CertificateError);
    expect((f.event as CertificateError).failure).toBe('expired');
    expect((f.event as CertificateError).alertName).toBe('certificate_expired');
    expect(f.established).toBe(f.event);
    expect(f.handshake).toBe(f.event);
    expect(f.close).toEqual({ clean: false, error: f.event });
    expect(socket.destroyed).toBe(true);
    expect(socket.authorized).toBe(false);
  });

  it('an alert from the peer (no cipher suite in common): TlsError handshake_failure from the peer', async () => {
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, ciphersuites: 'TLS_AES_256_GCM_SHA384' });
    servers.push(server);
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, cipherSuites: ['TLS_AES_128_GCM_SHA256'] });
    const f = await failureOf(socket);
    expect(f.event).toBeInstanceOf(TlsError);
    expect((f.event as TlsError).origin).toBe('peer');
    expect((f.event as TlsError).alertName).toBe('handshake_failure');
    expect(f.established).toBe(f.event);
    expect(f.handshake).toBe(f.event);
  });

  it('connection refused: a TransportError caused by ECONNREFUSED', async () => {
    const port = await freePort();
    const socket = connect({ host: '127.0.0.1', port, ca: pki.rootPem });
    const f = await failureOf(socket);
    expect(f.event).toBeInstanceOf(TransportError);
    expect(((f.event as TransportError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(f.established).toBe(f.event);
  });

  it('checkServerIdentity (tls.connect signature) refusing: CertificateError rejected-by-hook; it sees the name and the certificate', async () => {
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath });
    servers.push(server);
    const seen: { host: string; cert: PeerCertificate }[] = [];
    const refusing = connect({
      host: '127.0.0.1',
      port: server.port,
      servername: 'localhost',
      ca: pki.rootPem,
      checkServerIdentity: (host, peer) => {
        seen.push({ host, cert: peer });
        return new Error('pin mismatch');
      },
    });
    const f = await failureOf(refusing);
    expect(f.event).toBeInstanceOf(CertificateError);
    expect((f.event as CertificateError).failure).toBe('rejected-by-hook');
    expect((f.event as Error).message).toMatch(/pin mismatch/);
    expect(seen[0]?.host).toBe('localhost');
    expect(seen[0]?.cert.subjectaltname).toContain('DNS:localhost');

    // Node's own checkServerIdentity works as a hook, on our certificate object.
    const accepting = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, checkServerIdentity: nodeCheckServerIdentity });
    await accepting.established;
    expect(accepting.authorized).toBe(true);
    accepting.destroy();
  });
});

describe('rejectUnauthorized: false — connect anyway, report like Node', () => {
  const cases = [
    ['expired', 'CERT_HAS_EXPIRED', 'expired'],
    ['selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
    ['unknownCa', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown-ca'],
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID', 'hostname-mismatch'],
  ] as const;
  for (const [kind, code, failure] of cases) {
    it(`${kind}: established, authorized false, authorizationError ${code}`, async () => {
      const cert = pki.bad[kind];
      const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: cert.chainPath });
      try {
        const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, rejectUnauthorized: false });
        await new Promise((r) => socket.once('secureConnect', r));
        expect(socket.authorized).toBe(false);
        expect(socket.authorizationError).toBe(code);
        expect((socket.authorizationCause as CertificateError).failure).toBe(failure);
        expect(socket.getPeerCertificate().raw.length).toBeGreaterThan(100);
        socket.destroy();
      } finally {
        await server.stop();
      }
    });
  }

  it('a good certificate: authorized true even with rejectUnauthorized false', async () => {
    const cert = pki.servers.p256;
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath });
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, rejectUnauthorized: false });
      await socket.established;
      expect(socket.authorized).toBe(true);
      expect(socket.authorizationError).toBeNull();
      socket.destroy();
    } finally {
      await server.stop();
    }
  });
});
