// Client certificates with real peers: an rxtls client into `openssl s_server -Verify 1`, and
// `openssl s_client -cert/-key` into an rxtls server that requires a certificate.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsError, type TlsSession, type NegotiatedParameters } from '@rxtls/core';
import { connectTls, createTlsServer } from '../src/low-level.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer } from './support/openssl-server.ts';
import { mibOfLines, reverseLines } from './support/text-lines.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe('client certificates with openssl', () => {
  it('rxtls client -> openssl s_server -Verify 1 -rev: our certificate is verified, 1 MiB comes back reversed', async () => {
    const server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath, extraArgs: ['-Verify', '1', '-CAfile', pki.rootPath, '-rev'] });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } });
      const data = mibOfLines(5);
      const writing = session.write(new TextEncoder().encode(data));
      const decoder = new TextDecoder();
      let echoed = '';
      while (echoed.length < data.length) {
        const chunk = await session.read();
        if (chunk === null) break;
        echoed += decoder.decode(chunk, { stream: true });
      }
      await writing;
      expect(echoed).toBe(reverseLines(data));
      session.destroy();
    } finally {
      await server.stop();
    }
  });

  it('rxtls client without a certificate -> openssl s_server -Verify 1: the server refuses (certificate_required)', async () => {
    const server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath, extraArgs: ['-Verify', '1', '-CAfile', pki.rootPath] });
    try {
      const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      // TLS 1.3: the client finishes first; the server's alert arrives with the first read.
      const err = await session.read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).alertName).toBe('certificate_required');
      expect((err as TlsError).origin).toBe('peer');
      session.destroy();
    } finally {
      await server.stop();
    }
  });

  describe('openssl s_client -cert -> rxtls server (clientAuth required)', () => {
    const seen: NegotiatedParameters[] = [];
    let port = 0;
    let close: () => void = () => undefined;
    beforeAll(async () => {
      const server = createTlsServer(
        { certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }], clientAuth: { ca: pki.rootPem } },
        (session: TlsSession) => {
          void (async () => {
            try {
              seen.push(await session.handshake());
              for (let c = await session.read(); c !== null; c = await session.read()) await session.write(c);
            } catch {
              // the refusals are checked through what the client saw
            } finally {
              session.destroy();
            }
          })();
        },
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
      close = () => server.close();
    });
    afterAll(() => close());

    /** s_client sends `data` and collects the echo until it is complete, or until it exits or 10 s pass. */
    function sClient(args: readonly string[], data: string): Promise<{ stdout: string; code: number | null }> {
      return new Promise((resolve) => {
        const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-nocommands', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.length >= data.length) child.kill();
        });
        child.on('exit', (code) => resolve({ stdout, code }));
        child.stdin.on('error', () => undefined); // refused: s_client may be gone before all is written
        child.stdin.write(data);
        setTimeout(() => child.kill(), 10_000);
      });
    }

    it('with a certificate: verified, 1 MiB echoed', async () => {
      const data = mibOfLines(6);
      const r = await sClient(['-cert', pki.client.certPath, '-key', pki.client.keyPath, '-cert_chain', pki.intermediatePath, '-quiet'], data);
      expect(r.stdout).toBe(data);
      expect(seen.at(-1)?.peerCertificates).toHaveLength(2);
      expect(seen.at(-1)?.verifiedPath[0]).toContain('rxtls test client');
    });

    it('without one: refused', async () => {
      const before = seen.length;
      const r = await sClient(['-quiet'], mibOfLines(7));
      expect(r.stdout).toBe('');
      expect(seen.length).toBe(before);
    });
  });
});
