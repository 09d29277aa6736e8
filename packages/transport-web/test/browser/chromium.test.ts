// rxtls in a real browser: headless Chromium (Debian's package, driven by playwright-core)
// loads transport-web's browser bundle and, from the page, reaches TLS servers through the
// example WebSocket-to-TCP bridge: openssl s_server and the rxtls server, with certificate
// validation against a root the page supplies, a wrong-name failure, 1 MiB each way and
// handshake$ observed in the page. Then the other direction: Chromium's own TLS as a client
// of the rxtls server over HTTPS (the test root trusted through Chromium's NSS database).
import { createHash } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stop } from 'esbuild';
import type { Page } from 'playwright-core';
import { createServer, type TlsServer, type TlsSocket } from '@rxtls/transport-node';
import { startBridge, type Bridge } from '../../../../examples/ws-bridge/bridge.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../../../transport-node/test/support/openssl-server.ts';
import { browserBundle } from './bundle.ts';
import { launchChromium, servePage, type TestBrowser } from './chromium.ts';

const MiB = 1024 * 1024;
/** The bytes both sides generate: byte i is (i * 7 + seed) mod 251. */
const pattern = (n: number, seed: number): Buffer => Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let pki: TestPki;
let browser: TestBrowser;
let page: Page;
let site: { url: string; close(): Promise<void> };
let bridge: Bridge;
let echo: TlsServer;
let echoTarget: string;
let openssl: OpensslServer;
let opensslTarget: string;

const listening = (server: TlsServer): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

beforeAll(async () => {
  pki = await getTestPki();
  const bundle = await browserBundle();
  site = await servePage(bundle.code);
  echo = createServer({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }, (socket) => socket.pipe(socket));
  echoTarget = `127.0.0.1:${await listening(echo)}`;
  openssl = await startOpensslServer({ cert: pki.servers.rsa2048.certPath, key: pki.servers.rsa2048.keyPath, chain: pki.intermediatePath });
  opensslTarget = `127.0.0.1:${openssl.port}`;
  bridge = await startBridge({ allow: [echoTarget, opensslTarget] });
  browser = await launchChromium(pki.rootPem);
  page = await browser.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await openssl?.stop();
  echo?.closeAllConnections();
  await new Promise((resolve) => echo?.close(resolve));
  await site?.close();
  await stop();
});

interface Opened {
  readonly error?: { name: string; message: string };
  readonly steps: string[];
  readonly version?: string;
  readonly cipher?: string;
  readonly authorized?: boolean;
  readonly inBrowser: boolean;
}

/** In the page: open a connection through the bridge to `target`, watching handshake$; keep it as the page's global `conn`. */
function openInPage(target: string, servername: string): Promise<Opened> {
  return page.evaluate(
    async ({ url, ca, servername }) => {
      const w = globalThis as unknown as { web: any; conn?: any; document?: unknown; navigator?: { userAgent: string } };
      const steps: string[] = [];
      const inBrowser = typeof w.document === 'object' && (w.navigator?.userAgent ?? '').includes('Chrome');
      try {
        const conn = await w.web.connect({ url, servername, ca, handshake: false });
        conn.handshake$.subscribe({ next: (e: { type: string }) => steps.push(e.type), error: () => undefined });
        const negotiated = await conn.handshake();
        w.conn = conn;
        return { steps, version: negotiated.version, cipher: negotiated.cipherSuite, authorized: conn.authorized, inBrowser };
      } catch (err) {
        const e = err as Error;
        return { steps, error: { name: e.name, message: e.message }, inBrowser };
      }
    },
    { url: `${bridge.url}?target=${target}`, ca: pki.rootPem, servername },
  );
}

/** In the page: write `up` bytes of the pattern (seed 1), read `down` bytes; the SHA-256 of what was read. */
function transferInPage(up: number, down: number, seed: number): Promise<{ received: number; sha256: string }> {
  return page.evaluate(
    async ({ up, down, seed }) => {
      const conn = (globalThis as unknown as { conn: any }).conn;
      const data = Uint8Array.from({ length: up }, (_, i) => (i * 7 + seed) % 251);
      const got = new Uint8Array(down);
      let at = 0;
      const reading = (async () => {
        while (at < down) {
          const chunk: Uint8Array | null = await conn.read();
          if (chunk === null) break;
          got.set(chunk.subarray(0, down - at), at);
          at += chunk.length;
        }
      })();
      await conn.write(data);
      await reading;
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', got));
      return { received: at, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
    },
    { up, down, seed },
  );
}

const closeInPage = (): Promise<{ clean: boolean; error?: string }> =>
  page.evaluate(async () => {
    const info = await (globalThis as unknown as { conn: any }).conn.close();
    return { clean: info.clean, ...(info.error ? { error: String(info.error.message) } : {}) };
  });

describe('transport-web in headless Chromium, through the WebSocket bridge', () => {
  it('to the rxtls server: verified against the page-supplied root, handshake$ seen in the page, 1 MiB echoed each way, clean close', async () => {
    const opened = await openInPage(echoTarget, 'localhost');
    expect(opened.error).toBeUndefined();
    expect(opened.inBrowser).toBe(true);
    expect(opened.authorized).toBe(true);
    expect(opened.version).toBe('TLSv1.3');
    expect(opened.steps).toEqual(expect.arrayContaining(['client-hello-sent', 'server-hello', 'certificate', 'certificate-verified', 'server-finished', 'established']));
    const result = await transferInPage(MiB, MiB, 1);
    expect(result).toEqual({ received: MiB, sha256: sha256(pattern(MiB, 1)) });
    expect(await closeInPage()).toEqual({ clean: true });
  });

  it('to openssl s_server (RSA chain): 1 MiB from the page arrives intact, 1 MiB from s_server arrives intact', async () => {
    const opened = await openInPage(opensslTarget, 'localhost');
    expect(opened.error).toBeUndefined();
    expect(opened.authorized).toBe(true);
    const before = openssl.received().length;
    const down = pattern(MiB, 9);
    openssl.process.stdin.write(down); // s_server sends its stdin to the client
    const result = await transferInPage(MiB, MiB, 5);
    expect(result).toEqual({ received: MiB, sha256: sha256(down) });
    const received = await openssl.waitForReceived(before + MiB);
    expect(sha256(received.subarray(before, before + MiB))).toBe(sha256(pattern(MiB, 5)));
    await closeInPage();
  });

  it('a name the certificate does not carry fails in the page with a CertificateError', async () => {
    const opened = await openInPage(echoTarget, 'wrong.example');
    expect(opened.error?.name).toBe('CertificateError');
    expect(opened.error?.message).toMatch(/wrong\.example/);
    expect(opened.steps).not.toContain('established');
  });

  it('a root the page does not trust fails too (openssl with a chain under another root)', async () => {
    const other = await startOpensslServer({ cert: pki.bad.unknownCa.certPath, key: pki.bad.unknownCa.keyPath });
    const strayBridge = await startBridge({ allow: [`127.0.0.1:${other.port}`] });
    try {
      const result = await page.evaluate(
        async ({ url, ca }) => {
          try {
            await (globalThis as unknown as { web: any }).web.connect({ url, servername: 'localhost', ca });
            return 'connected';
          } catch (err) {
            return (err as Error).name;
          }
        },
        { url: `${strayBridge.url}?target=127.0.0.1:${other.port}`, ca: pki.rootPem },
      );
      expect(result).toBe('CertificateError');
    } finally {
      await strayBridge.close();
      await other.stop();
    }
  });
});

describe("Chromium's own TLS as a client of the rxtls server", () => {
  it('loads a page over HTTPS from an rxtls server (root trusted in the NSS database): TLS 1.3, SNI localhost', async () => {
    const seen: { version: string; servername: string | undefined; group: string }[] = [];
    const http = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>served by rxtls</title><p id="hello">hello from rxtls</p>'));
    const server = createServer({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }, (socket: TlsSocket) => {
      void socket.established.then((n) => seen.push({ version: n.version, servername: n.serverName, group: n.group }));
      http.emit('connection', socket);
    });
    const port = await listening(server);
    const tab = await browser.newPage();
    try {
      const response = await tab.goto(`https://localhost:${port}/`);
      expect(response?.status()).toBe(200);
      expect(await tab.textContent('#hello')).toBe('hello from rxtls');
      const security = (await response!.securityDetails()) as { protocol?: string } | null;
      expect(security?.protocol).toBe('TLS 1.3');
      expect(seen[0]).toMatchObject({ version: 'TLSv1.3', servername: 'localhost', group: 'x25519' });
    } finally {
      await tab.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a Chromium that does not trust the test root refuses the same server (the trust above is real)', async () => {
    const server = createServer({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }, (socket: TlsSocket) => socket.end());
    const port = await listening(server);
    const untrusting = await launchChromium();
    try {
      const tab = await untrusting.newPage();
      await expect(tab.goto(`https://localhost:${port}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
