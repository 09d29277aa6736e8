// TLS 1.2 through each crypto provider (noble, WebCrypto, node:crypto), both roles, against
// openssl: the same handshake and records whoever does the cryptography.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleProvider, webCryptoProvider, type CryptoProvider, type NegotiatedParameters } from '@rxtls/core';
import { nodeCryptoProvider } from '../../src/index.ts';
import { connectTls } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';
import { sClient } from '../support/openssl-client.ts';
import { echoBothWays } from '../support/session-io.ts';
import { echoServer } from './echo-server.ts';

let pki: TestPki;
let server: OpensslServer;
beforeAll(async () => {
  pki = await getTestPki();
  server = await startOpensslServer({ cert: pki.servers.rsa2048.certPath, key: pki.servers.rsa2048.keyPath, chain: pki.intermediatePath, version: '-tls1_2' });
});
afterAll(() => server?.stop());

const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, webCryptoProvider, nodeCryptoProvider];

describe.each(PROVIDERS.map((p) => [p.name, p] as const))('TLS 1.2 with the %s provider', (_name, provider) => {
  for (const suite of ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'] as const) {
    it(`client → s_server -tls1_2, ${suite}: 1 MiB each way`, async () => {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, provider, cipherSuites: [suite] });
      expect([session.connection.negotiated!.version, session.connection.negotiated!.cipherSuite]).toEqual(['TLSv1.2', suite]);
      await echoBothWays(server, session);
    });
  }

  it('server ← s_client -tls1_2 (ECDSA P-384, AES-128-GCM): 256 KiB echoed', async () => {
    const seen: NegotiatedParameters[] = [];
    const { server: ours, port } = await echoServer(pki, 'p384', { provider }, seen);
    try {
      const data = randomBytes(256 * 1024);
      const { echoed } = await sClient(port, { caFile: pki.rootPath, version: '-tls1_2', args: ['-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'] }, data);
      expect(echoed.equals(data)).toBe(true);
      expect(seen[0]!.signatureScheme).toBe('ecdsa_secp384r1_sha384');
    } finally {
      ours.close();
    }
  });
});
