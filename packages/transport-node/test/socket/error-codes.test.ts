// node:tls's `code` on rxtls's errors, side by side: the same failure provoked once with
// node:tls and once with rxtls, and the codes compared. rxtls keeps its typed classes and
// alerts; `code` is what code written for node:tls branches on.
import { connect as tlsConnect, createServer as tlsCreateServer, type TLSSocket } from 'node:tls';
import { createServer as createNetServer, connect as netConnect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateError, HandshakeTimeoutError, TlsError, TransportError } from '@rxtls/core';
import { connect, createServer } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { freePort, startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

type Coded = Error & { code?: string };

/** The error node:tls's client reports connecting to `port` with `extra` options. */
function nodeTlsError(port: number, extra: Record<string, unknown> = {}): Promise<Coded> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ...extra });
    s.on('error', (e: Coded) => resolve(e));
    s.on('secureConnect', () => s.write('x'));
  });
}

/** The error rxtls's client reports (the 'error' event), the same way. */
function rxtlsError(port: number, extra: Record<string, unknown> = {}): Promise<Coded> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ...extra });
    s.on('error', (e: Coded) => resolve(e));
    s.on('secureConnect', () => s.write('x'));
  });
}

describe('certificate failures: the code node:tls gives', () => {
  const servers: OpensslServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it.each(['expired', 'notYetValid', 'selfSigned', 'unknownCa', 'tamperedSignature', 'noServerAuthEku', 'wrongHost'] as const)('%s', async (kind) => {
    const cert = pki.bad[kind];
    const server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, ...(kind === 'selfSigned' ? {} : { chain: cert.chainPath }) });
    servers.push(server);
    const theirs = await nodeTlsError(server.port);
    const ours = await rxtlsError(server.port);
    expect(ours).toBeInstanceOf(CertificateError);
    expect(theirs.code).toBeDefined();
    expect(ours.code).toBe(theirs.code);
  });
});

describe('alerts, timeouts and the transport', () => {
  it("the server's no_application_protocol alert: ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL for both", async () => {
    const server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath, alpn: 'h2', extraArgs: [] });
    try {
      const theirs = await nodeTlsError(server.port, { ALPNProtocols: ['http/1.1'] });
      const ours = await rxtlsError(server.port, { ALPNProtocols: ['http/1.1'] });
      expect(ours).toBeInstanceOf(TlsError);
      expect((ours as TlsError).origin).toBe('peer');
      expect(theirs.code).toBe('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
      expect(ours.code).toBe(theirs.code);
    } finally {
      await server.stop();
    }
  });

  it('nothing listening: ECONNREFUSED for both', async () => {
    const port = await freePort();
    const theirs = await nodeTlsError(port);
    const ours = await rxtlsError(port);
    expect(ours).toBeInstanceOf(TransportError);
    expect(theirs.code).toBe('ECONNREFUSED');
    expect(ours.code).toBe('ECONNREFUSED');
  });

  it('the server drops TCP after the ClientHello: ECONNRESET for both', async () => {
    const server: Server = createNetServer((raw) => raw.once('data', () => raw.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const theirs = await nodeTlsError(port);
      const ours = await rxtlsError(port);
      expect(ours).toBeInstanceOf(TransportError);
      expect(theirs.code).toBe('ECONNRESET');
      expect(ours.code).toBe('ECONNRESET');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("a client that says nothing: the server's tlsClientError is ERR_TLS_HANDSHAKE_TIMEOUT for both", async () => {
    const credentials = { cert: pki.servers.p256.certPem + pki.intermediatePem, key: pki.servers.p256.keyPem };
    const silentClient = async (server: { listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown; on: (e: string, l: (err: Coded, s: TLSSocket) => void) => unknown; close: (cb: () => void) => unknown }): Promise<Coded> => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const failed = new Promise<Coded>((resolve) => server.on('tlsClientError', (err) => resolve(err)));
      const raw = netConnect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
      raw.on('error', () => undefined);
      const err = await failed;
      raw.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      return err;
    };
    const theirs = await silentClient(tlsCreateServer({ ...credentials, handshakeTimeout: 300 }) as never);
    const rx = createServer({ ...credentials, handshakeTimeout: 300 });
    const ours = await silentClient(rx as never);
    expect(ours).toBeInstanceOf(HandshakeTimeoutError);
    expect(theirs.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    expect(ours.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
  });
});
