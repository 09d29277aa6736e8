// Runs only in the Bun run: the node:crypto provider on Bun, whose node:crypto has no
// ChaCha20-Poly1305 (Bun 1.4.4: createCipheriv throws "Unknown cipher"). The provider asks
// getCiphers() and lets noble serve that AEAD; AES-GCM stays with Bun's node:crypto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCiphers } from 'node:crypto';
import { nodeCryptoProvider } from '../../src/index.ts';
import { connectTls } from '../../src/low-level.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';

let pki: TestPki;
let server: OpensslServer;
beforeAll(async () => {
  pki = await getTestPki();
  server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath });
});
afterAll(() => server?.stop());

describe("the node:crypto provider on Bun's node:crypto", () => {
  it('Bun lacks chacha20-poly1305 in node:crypto (the difference this works around)', () => {
    expect(getCiphers()).not.toContain('chacha20-poly1305');
    expect(getCiphers()).toContain('aes-128-gcm');
  });

  it.each(['TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'] as const)('%s against openssl s_server: 256 KiB arrive intact', async (suite) => {
    const before = server.received().length;
    const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, provider: nodeCryptoProvider, cipherSuites: [suite] });
    expect(session.connection.negotiated?.cipherSuite).toBe(suite);
    const data = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 11) & 0xff);
    await session.write(data);
    const received = await server.waitForReceived(before + data.length);
    expect(new Uint8Array(received.subarray(before, before + data.length))).toEqual(data);
    session.destroy();
  });
});
