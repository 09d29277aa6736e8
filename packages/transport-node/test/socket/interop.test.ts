import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSecureContext, TLSSocket } from 'node:tls';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, nodeCryptoProvider, type TlsSocket } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../support/openssl-server.ts';
import { serverCredentials, startNodeTlsServer } from './support/node-server.ts';

const MiB = 1024 * 1024;
let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** Collect `n` bytes from the socket's 'data' events. */
function readBytes(socket: TlsSocket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer): void => {
      parts.push(d);
      got += d.length;
      if (got >= n) {
        socket.off('data', onData);
        socket.pause();
        resolve(Buffer.concat(parts));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Everything until 'end'. */
function readAll(socket: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.once('end', () => resolve(Buffer.concat(parts)));
    socket.once('error', reject);
  });
}

describe('TlsSocket ↔ openssl s_server', () => {
  let server: OpensslServer;
  beforeAll(async () => {
    const cert = pki.servers.p256;
    server = await startOpensslServer({ cert: cert.certPath, key: cert.keyPath, chain: pki.intermediatePath, alpn: 'h2,http/1.1' });
  });
  afterAll(() => server?.stop());

  it('secureConnect, TLS details, ALPN, 1 MiB echoed both ways, clean close', async () => {
    let secureConnectSeen = false;
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1', 'h2'] }, () => {
      secureConnectSeen = true;
    });
    expect(socket.encrypted).toBe(true);
    expect(socket.alpnProtocol).toBeNull();
    const negotiated = await socket.established;
    expect(secureConnectSeen).toBe(true);
    expect(socket.authorized).toBe(true);
    expect(socket.authorizationError).toBeNull();
    expect(socket.getProtocol()).toBe('TLSv1.3');
    expect(socket.getCipher()?.name).toBe(negotiated.cipherSuite);
    expect(['h2', 'http/1.1']).toContain(socket.alpnProtocol);
    expect(socket.alpnProtocol).toBe(negotiated.alpn);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    expect(socket.remotePort).toBe(server.port);
    expect(socket.localAddress).toBe('127.0.0.1');
    expect(typeof socket.localPort).toBe('number');
    const cert = socket.getPeerCertificate(true);
    expect(cert.subject.CN).toBeDefined();
    expect(cert.subjectaltname).toContain('DNS:localhost');
    expect(Buffer.from(cert.raw).equals(Buffer.from(negotiated.peerCertificates[0]!))).toBe(true);
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Date(cert.valid_to).getTime()).toBeGreaterThan(Date.now());
    expect(cert.issuerCertificate.subject).toEqual(cert.issuer); // the intermediate the server sent

    const before = server.received().length;
    const up = randomBytes(MiB);
    const down = randomBytes(MiB);
    server.process.stdin.write(down);
    const received = readBytes(socket, MiB);
    await new Promise<void>((resolve, reject) => socket.write(up, (err) => (err ? reject(err) : resolve())));
    expect((await received).subarray(0, MiB).equals(down)).toBe(true);
    const serverGot = await server.waitForReceived(before + MiB);
    expect(serverGot.subarray(before, before + MiB).equals(up)).toBe(true);

    const closed = firstValueFrom(socket.close$);
    socket.end();
    socket.resume();
    await new Promise((resolve) => socket.once('end', resolve)); // openssl answers our close_notify with its own
    expect(await closed).toEqual({ clean: true });
    expect(socket.destroyed).toBe(true);
  });
});

describe('TlsSocket ↔ node:tls / node:https', () => {
  it('keylog: true appends the lines to SSLKEYLOGFILE, a file created with mode 0600', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    const file = join(mkdtempSync(join(tmpdir(), 'rxtls-keylog-')), 'keys.log');
    process.env['SSLKEYLOGFILE'] = file;
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, keylog: true });
      await socket.established;
      socket.destroy();
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      delete process.env['SSLKEYLOGFILE'];
      await server.close();
    }
  });

  it('echo through a node:tls server, both ways, with ALPN and the observables', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s), { ALPNProtocols: ['rxtls-echo'] });
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['rxtls-echo'], provider: nodeCryptoProvider });
      const steps = lastValueFrom(socket.handshake$.pipe(toArray()));
      const keylog: string[] = [];
      socket.on('keylog', (line: Buffer) => keylog.push(line.toString()));
      await socket.established;
      expect(socket.alpnProtocol).toBe('rxtls-echo');
      expect((await steps).map((s) => s.type)).toContain('certificate-verified');
      expect(keylog).toHaveLength(5);
      expect(keylog.every((l) => l.endsWith('\n'))).toBe(true);
      const data = randomBytes(3 * MiB + 17);
      const echoed = readBytes(socket, data.length);
      socket.write(data);
      expect((await echoed).subarray(0, data.length).equals(data)).toBe(true);
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('http.request({ createConnection }) GET against a node:https server', async () => {
    const server = createHttpsServer({ ...serverCredentials(pki), minVersion: 'TLSv1.3' }, (req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`hello ${req.method} ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      let socket: TlsSocket | undefined;
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(
          {
            host: 'localhost',
            port,
            path: '/rxtls?x=1',
            createConnection: () => {
              socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem, ALPNProtocols: ['http/1.1'] });
              return socket;
            },
          },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.setEncoding('utf8');
            let text = '';
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('hello GET /rxtls?x=1');
      expect(socket?.alpnProtocol).toBe('http/1.1');
      // Without keep-alive, http closes the socket after the response.
      await firstValueFrom(socket!.close$);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('stream.pipeline of a file through the socket (node:tls echo back into a sink)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxtls-pipeline-'));
    const file = join(dir, 'payload.bin');
    const payload = randomBytes(2 * MiB + 5);
    writeFileSync(file, payload);
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s), { allowHalfOpen: false });
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, provider: nodeCryptoProvider });
      const back: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          back.push(chunk);
          cb();
        },
      });
      // The file goes up; node:tls echoes it and, after our close_notify, ends its side too.
      await Promise.all([pipeline(createReadStream(file), socket), pipeline(socket, sink)]);
      expect(Buffer.concat(back).equals(payload)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('the web streams path: web.writable up, web.readable down, close', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      const { readable, writable } = socket.web;
      expect(socket.web.readable).toBe(readable); // created once
      const data = randomBytes(MiB);
      const writer = writable.getWriter();
      const writing = (async () => {
        for (let i = 0; i < data.length; i += 100_000) await writer.write(data.subarray(i, i + 100_000));
        await writer.close();
      })();
      const parts: Uint8Array[] = [];
      for await (const chunk of readable) parts.push(chunk);
      await writing;
      expect(Buffer.concat(parts).equals(data)).toBe(true);
      expect((await firstValueFrom(socket.close$)).clean).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('pipeThrough(socket.web): the pair has the ReadableWritablePair shape', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      const source = new Blob(['ping ', 'pong']).stream();
      const text = await new Response(source.pipeThrough(socket.web)).text();
      expect(text).toBe('ping pong');
    } finally {
      await server.close();
    }
  });

  it('TLS over a non-TCP Duplex: an in-memory pair to a node:tls server socket', async () => {
    const up = new PassThrough();
    const down = new PassThrough();
    const clientSide = Duplex.from({ readable: down, writable: up });
    const serverSide = Duplex.from({ readable: up, writable: down });
    const serverTls = new TLSSocket(serverSide, { isServer: true, secureContext: createSecureContext({ ...serverCredentials(pki), minVersion: 'TLSv1.3' }) });
    serverTls.on('data', (d: Buffer) => serverTls.write(Buffer.from(d.toString('utf8').toUpperCase())));
    serverTls.on('end', () => serverTls.end('bye'));
    const socket = connect({ socket: clientSide, servername: 'localhost', ca: pki.rootPem, keylog: () => undefined });
    expect(socket.remoteAddress).toBeUndefined();
    expect(socket.setNoDelay()).toBe(socket); // no TCP underneath: a no-op
    await socket.established;
    const all = readAll(socket);
    socket.write('hello over memory');
    await new Promise((r) => setTimeout(r, 50));
    socket.end();
    expect((await all).toString()).toBe('HELLO OVER MEMORYbye');
  });
});
