// Session resumption with real peers: openssl s_client resumes (-sess_out / -sess_in) against
// an rxtls server, and an rxtls client resumes against openssl s_server.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTicketStore, TlsClientContext, type NegotiatedParameters, type TlsSession } from '@rxtls/core';
import { connectTls, createTlsServer } from '../src/low-level.ts';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from './support/openssl-server.ts';
import { mibOfLines, reverseLines } from './support/text-lines.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});


describe('openssl s_client -> rxtls server: resumption', () => {
  let server: Server;
  let port: number;
  const sessions: NegotiatedParameters[] = [];
  beforeAll(async () => {
    server = createTlsServer({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] }, (session) => void echo(session));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  async function echo(session: TlsSession): Promise<void> {
    try {
      sessions.push(await session.handshake());
      for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) await session.write(chunk);
      await session.shutdown();
    } catch {
      // the client's verdict is what the test checks
    } finally {
      session.destroy();
    }
  }

  /**
   * s_client sends `data` (1 MiB of text lines; `-nocommands` so no line is read as a command),
   * waits until all of it came back, closes; returns what it printed (session summary + echo).
   */
  async function sClient(args: readonly string[], data: string): Promise<string> {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', pki.rootPath, '-servername', 'localhost', '-verify_return_error', '-nocommands', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const echoed = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.length >= data.length && out.endsWith(data.slice(-64))) resolve();
      });
      child.on('exit', (code) => reject(new Error(`s_client exited ${code} after ${out.length} characters: ${err}`)));
    });
    child.stdin.write(data);
    await echoed;
    child.stdin.end();
    await once(child, 'exit');
    return out;
  }


  it('s_client saves the rxtls ticket and resumes with it: no certificate, resumed on both sides, 1 MiB echoed each time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxtls-resume-'));
    const sess = join(dir, 'session.pem');
    const data = [mibOfLines(1), mibOfLines(2)];
    const first = await sClient(['-sess_out', sess], data[0]!);
    expect(first).toContain('New, TLSv1.3');
    expect(first).toContain(data[0]); // 1 MiB echoed, in order
    const second = await sClient(['-sess_in', sess], data[1]!);
    expect(second).toContain('Reused, TLSv1.3');
    expect(second).toContain(data[1]);
    expect(sessions.at(-2)?.resumed).toBe(false);
    expect(sessions.at(-1)?.resumed).toBe(true);
  });
});

describe('rxtls client -> openssl s_server: resumption', () => {
  let server: OpensslServer;
  beforeAll(async () => {
    const cert = pki.servers.p256;
    server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, extraArgs: ['-www'] });
  });
  afterAll(() => server?.stop());

  /** GET / from s_server -www: its page says whether the session was new or reused. */
  async function get(context: TlsClientContext): Promise<{ page: string; parameters: NegotiatedParameters }> {
    const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', context });
    const parameters = await session.handshake();
    await session.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    let page = '';
    try {
      for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) page += new TextDecoder().decode(chunk);
    } catch {
      // s_server -www may close without close_notify; the page is what counts
    }
    session.destroy();
    return { page, parameters };
  }

  it('keeps the s_server tickets and resumes: no certificate, resumed, and s_server says Reused', async () => {
    const store = new MemoryTicketStore();
    const context = new TlsClientContext({ ca: pki.rootPem, ticketStore: store });
    const first = await get(context);
    expect(first.parameters.resumed).toBe(false);
    expect(first.page).toContain('New, TLSv1.3');
    expect(store.count('localhost')).toBeGreaterThan(0);
    const second = await get(context);
    expect(second.parameters.resumed).toBe(true);
    expect(second.parameters.peerCertificates).toEqual([]);
    expect(second.page).toContain('Reused, TLSv1.3');
  });
});

describe('rxtls client -> openssl s_server -rev: resumption with 1 MiB each way', () => {
  let server: OpensslServer;
  beforeAll(async () => {
    const cert = pki.servers.p256;
    server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, extraArgs: ['-rev'] });
  });
  afterAll(() => server?.stop());

  /** Send 1 MiB of lines; s_server -rev sends each line back reversed. */
  async function reversedEcho(context: TlsClientContext, data: string): Promise<{ echoed: string; parameters: NegotiatedParameters }> {
    const session = await connectTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', context });
    const parameters = await session.handshake();
    const writing = session.write(new TextEncoder().encode(data));
    let echoed = '';
    const decoder = new TextDecoder();
    while (echoed.length < data.length) {
      const chunk = await session.read();
      if (chunk === null) break;
      echoed += decoder.decode(chunk, { stream: true });
    }
    await writing;
    session.destroy();
    return { echoed, parameters };
  }

  it('the second connection resumes (no certificate sent), and 1 MiB comes back reversed each time', async () => {
    const context = new TlsClientContext({ ca: pki.rootPem, ticketStore: new MemoryTicketStore() });
    for (const [i, resumed] of [[3, false], [4, true]] as const) {
      const data = mibOfLines(i);
      const { echoed, parameters } = await reversedEcho(context, data);
      expect(parameters.resumed).toBe(resumed);
      expect(parameters.peerCertificates.length === 0).toBe(resumed);
      expect(echoed).toBe(reverseLines(data));
    }
  });
});
