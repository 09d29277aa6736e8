import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); Playwright's own browser download is unreachable here. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine without a network: no sandbox (CI runs as root),
 * no GPU, and none of the background connections to Google's services (refused here, many at a
 * time). QUIC off: the tests speak TLS over TCP.
 */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** A Chromium with its own HOME (its NSS database trusts `trustedRootPem`, if given) and profile. */
export interface TestBrowser {
  readonly browser: Browser;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Start Chromium. With `trustedRootPem`, the root is added to an NSS database in a fresh HOME
 * (`certutil`, Debian's libnss3-tools), where Chromium on Linux looks for user-trusted roots:
 * the browser then validates our servers' chains for real, nothing is ignored.
 */
export async function launchChromium(trustedRootPem?: string): Promise<TestBrowser> {
  const home = mkdtempSync(join(tmpdir(), 'rxtls-chromium-'));
  if (trustedRootPem !== undefined) {
    const nssdb = join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    const root = join(home, 'root.pem');
    writeFileSync(root, trustedRootPem);
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-n', 'rxtls test root', '-t', 'C,,', '-i', root]);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, env: { ...process.env, HOME: home } as Record<string, string> });
  return {
    browser,
    newPage: () => browser.newPage(),
    close: async () => {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A loopback HTTP server for the test page: `/` imports `/transport-web.js` and puts it on `window.web`. */
export async function servePage(bundle: string): Promise<{ url: string; close(): Promise<void> }> {
  const page = '<!doctype html><meta charset="utf-8"><title>rxtls in the browser</title><script type="module">import * as web from "/transport-web.js"; window.web = web; window.ready = true;</script>';
  const server: Server = createServer((req, res) => {
    if (req.url === '/transport-web.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
