// Its own test file, so its own process: NODE_EXTRA_CA_CERTS is read once per process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateError } from '@rxtls/core';
import { connect } from '../../src/index.ts';
import { cachedContextCount, defaultCaCertificates } from '../../src/socket/contexts.ts';
import { rootCertificates } from 'node:tls';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';

let pki: TestPki;
let server: OpensslServer;
beforeAll(async () => {
  pki = await getTestPki();
  process.env['NODE_EXTRA_CA_CERTS'] = pki.rootPath;
  const cert = pki.servers.p256;
  server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath });
});
afterAll(() => server?.stop());

describe('default trust anchors', () => {
  it('without `ca`: tls.rootCertificates plus NODE_EXTRA_CA_CERTS, and one shared context for equal options', async () => {
    expect(defaultCaCertificates()).toHaveLength(rootCertificates.length + 1);
    const before = cachedContextCount();
    for (let i = 0; i < 3; i++) {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', checkServerIdentity: () => undefined });
      await socket.established;
      expect(socket.authorized).toBe(true);
      socket.destroy();
    }
    expect(cachedContextCount()).toBe(before + 1); // the hook is per connection, not part of the key
  });

  it('the bundled roots alone do not trust the test PKI (so the extra file is what made it work)', async () => {
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: [...rootCertificates] });
    socket.on('error', () => undefined); // the failure is read from `established` here
    const err = await socket.established.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).failure).toBe('unknown-ca');
  });
});
