// `cert` / `key` as in `tls.connect`: the rxtls client presents a certificate to a node:tls
// (OpenSSL) server that requires one; without them it answers with an empty Certificate and
// the server refuses.
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsError, UsageError } from '@rxtls/core';
import { connect } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startNodeTlsServer, type NodeTlsServer } from './support/node-server.ts';

let pki: TestPki;
let server: NodeTlsServer;
const seen: { authorized: boolean; subject: string }[] = [];

beforeAll(async () => {
  pki = await getTestPki();
  const echo = (socket: TLSSocket): void => {
    seen.push({ authorized: socket.authorized, subject: String(socket.getPeerCertificate().subject?.CN) });
    socket.pipe(socket);
  };
  server = await startNodeTlsServer(pki, echo, { requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
});
afterAll(() => server.close());

describe('connect({ cert, key }) to a node:tls server that requires a client certificate', () => {
  it('the server verifies our chain and data flows both ways', async () => {
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, cert: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem });
    await socket.established;
    socket.write('with a client certificate');
    const [echoed] = (await new Promise((resolve) => socket.once('data', (d: Buffer) => resolve([d])))) as [Buffer];
    expect(echoed.toString()).toBe('with a client certificate');
    expect(seen.at(-1)).toEqual({ authorized: true, subject: expect.stringMatching(/client/) });
    socket.destroy();
  });

  it('without cert/key the server refuses with certificate_required', async () => {
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
    const error = await new Promise<unknown>((resolve) => socket.once('error', resolve));
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).alertName).toBe('certificate_required');
    socket.destroy();
  });

  it('cert without key is a usage error', () => {
    expect(() => connect({ host: '127.0.0.1', port: server.port, ca: pki.rootPem, cert: pki.client.certPem })).toThrow(UsageError);
  });
});
