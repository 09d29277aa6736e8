// Closing, half-closing, truncation and teardown on Deno, with the expectations of
// transport-node/test/socket/close.test.ts: a clean end only after close_notify; a peer that
// drops TCP without it is the typed truncation error, never a clean end; destroy() frees the
// socket, the reads in flight and the timers.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { SslError, TransportError, type MessageEvent } from '@rxtls/core';
import { connect, listen, type ListenOptions, type TlsConn } from '../src/index.ts';
import { accept } from '../src/low-level.ts';
import { concat, echo, readAll, sleep, str, text, until } from './support/bytes.ts';
import { Deno, countResources, portOf, type DenoTlsListener } from './support/deno.ts';
import { spawn, startOpensslServer } from './support/openssl.ts';
import { getTestPki, type TestPki } from './support/pki.ts';
import { listenersClosedAfterAll } from './support/listeners.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const listeners = listenersClosedAfterAll();

function server(handler: (conn: TlsConn) => Promise<void>, extra: Partial<ListenOptions> = {}): number {
  const listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem, ...extra }, handler);
  listeners.push(listener);
  return portOf(listener.addr);
}

const client = (port: number, extra: Parameters<typeof connect>[0] = {}) => connect({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem, ...extra });

const alertsOf = (messages: MessageEvent[]): string[] =>
  messages.filter((m): m is Extract<MessageEvent, { kind: 'alert' }> => m.kind === 'alert').map((a) => `${a.direction} ${a.description}`);

describe('closing', () => {
  it("the peer's close_notify: read() returns null, readable closes, ours goes back, close$ is clean on both sides", async () => {
    let serverClose: Promise<unknown> | undefined;
    const port = server(async (conn) => {
      await conn.write(text('hello, '));
      await conn.write(text('goodbye'));
      serverClose = conn.close();
    });
    const conn = await client(port);
    const messages = lastValueFrom(conn.messages$.pipe(toArray()));
    const chunks: Uint8Array[] = [];
    for await (const chunk of conn.readable as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(str(concat(chunks))).toBe('hello, goodbye');
    expect(await firstValueFrom(conn.close$)).toEqual({ clean: true }); // we answered (allowHalfOpen: false)
    expect(alertsOf(await messages)).toEqual(['received close_notify', 'sent close_notify']);
    await until(() => serverClose !== undefined, 'the server to close');
    expect(await serverClose).toEqual({ clean: true });
    expect(await conn.read()).toBeNull(); // and it stays that way
  });

  it('half-close: shutdown() sends close_notify and FIN; rustls keeps sending; we read until its close_notify', async () => {
    const rustls: DenoTlsListener = Deno.listenTls({ hostname: '127.0.0.1', port: 0, cert: pki.servers.p256.certPem + pki.intermediatePem, key: pki.servers.p256.keyPem });
    const served = (async () => {
      const tls = await rustls.accept();
      const buffer = new Uint8Array(1024);
      const got: Uint8Array[] = [];
      for (let n = await tls.read(buffer); n !== null; n = await tls.read(buffer)) got.push(buffer.slice(0, n));
      // Our close_notify arrived; rustls's side is still open.
      await tls.write(text('still here, '));
      await sleep(30);
      await tls.write(text('goodbye'));
      tls.close();
      rustls.close();
      return str(concat(got));
    })();
    const conn = await client(portOf(rustls.addr));
    const messages = lastValueFrom(conn.messages$.pipe(toArray()));
    await conn.write(text('last words'));
    await conn.shutdown();
    expect(await served).toBe('last words');
    expect(str(await readAll(conn))).toBe('still here, goodbye');
    expect(await firstValueFrom(conn.close$)).toEqual({ clean: true });
    expect(alertsOf(await messages)).toEqual(['sent close_notify', 'received close_notify']);
  });

  it('allowHalfOpen: after the peer closes we may still write, then shutdown() closes', async () => {
    const port = server(async (conn) => {
      await conn.write(text('question?'));
      await conn.shutdown(); // close_notify and FIN, then read the answer
      expect(str(await readAll(conn))).toBe('answer!');
      expect(await firstValueFrom(conn.close$)).toEqual({ clean: true });
    });
    const conn = await client(port, { allowHalfOpen: true });
    expect(str(await readAll(conn))).toBe('question?');
    await conn.write(text('answer!'));
    await conn.shutdown();
    expect(await firstValueFrom(conn.close$)).toEqual({ clean: true });
  });

  it('a peer that drops TCP without close_notify (openssl s_server killed): the truncation error, never a clean end', async () => {
    const s = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath });
    const conn = await client(s.port);
    await s.child.write('partial data');
    const first = await conn.read();
    expect(str(first!)).toBe('partial data'); // what did arrive is delivered
    await s.child.stop('SIGKILL'); // the kernel closes its socket: FIN, no close_notify
    const err = await conn.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('eof');
    expect((err as Error).message).toMatch(/close_notify/);
    expect(conn.getError()).toBe(SslError.SYSCALL); // OpenSSL's SSL_ERROR_SYSCALL
    expect(conn.error).toBe(err);
    expect(await firstValueFrom(conn.close$)).toEqual({ clean: false, error: err });
    expect(await conn.read().catch((e: unknown) => e)).toBe(err); // sticky
  });

  it('truncation seen through readable and data$: they error, they do not end', async () => {
    for (const way of ['readable', 'data$'] as const) {
      const port = server(async (conn) => {
        await conn.write(text('partial'));
        conn.destroy(); // no close_notify
      });
      const conn = await client(port);
      const got: string[] = [];
      const outcome =
        way === 'readable'
          ? (async () => {
              for await (const c of conn.readable as unknown as AsyncIterable<Uint8Array>) got.push(str(c));
              return 'ended';
            })().catch((e: unknown) => e)
          : new Promise((resolve) => conn.data$.subscribe({ next: (c) => got.push(str(c)), complete: () => resolve('ended'), error: resolve }));
      const err = await outcome;
      expect(err, way).toBeInstanceOf(TransportError);
      expect((err as TransportError).kind).toBe('eof');
      expect(got.join('')).toBe('partial');
    }
  });

  it('a peer that resets the connection (RST): TransportError with code ECONNRESET', async () => {
    // Deno's own close() never resets; Node's resetAndDestroy() does (SO_LINGER 0).
    const script = `const s = require('node:net').createServer((c) => c.once('data', () => c.resetAndDestroy())).listen(0, '127.0.0.1', () => console.log(s.address().port)); process.stdin.on('end', () => s.close()).resume();`;
    const node = spawn('node', ['-e', script]);
    try {
      await node.stdout.until(() => node.stdout.text().includes('\n'), 'the Node TCP server', 30_000);
      const err = await client(Number(node.stdout.text().trim())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).kind).toBe('error');
      expect((err as TransportError).code).toBe('ECONNRESET');
    } finally {
      await node.stop();
    }
  });

  it('a peer that closes during the handshake (FIN after our ClientHello): the truncation error, the connection closed', async () => {
    const raw = Deno.listen({ hostname: '127.0.0.1', port: 0 });
    void (async () => {
      const tcp = await raw.accept();
      await tcp.read(new Uint8Array(4096));
      tcp.close(); // Deno's close sends FIN
      raw.close();
    })();
    const before = countResources('tcpStream');
    const err = await client(portOf(raw.addr)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('eof');
    await until(() => countResources('tcpStream') <= before, 'our socket to close');
  });

  it('connection refused: a TransportError caused by ECONNREFUSED, before any TLS', async () => {
    const raw = Deno.listen({ hostname: '127.0.0.1', port: 0 });
    const port = portOf(raw.addr);
    raw.close();
    const err = await client(port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('ECONNREFUSED');
  });

  it('close() waits for the peer: our close_notify, then theirs, then the socket is gone', async () => {
    const port = server(async (conn) => {
      await echo(conn);
    });
    const conn = await client(port);
    await conn.write(text('unread echo')); // discarded by close()
    expect(await conn.close()).toEqual({ clean: true });
    expect(await conn.close()).toEqual({ clean: true }); // idempotent
  });
});

describe('teardown', () => {
  /** setTimeout/clearTimeout watched: which timers are still pending. */
  function watchTimers(): { pending: () => number; restore: () => void } {
    const live = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const id: unknown = realSet(() => {
        live.delete(id);
        fn();
      }, ms);
      live.add(id);
      return id;
    }) as typeof setTimeout);
    const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((id: unknown) => {
      live.delete(id);
      realClear(id as number);
    }) as typeof clearTimeout);
    return {
      pending: () => live.size,
      restore: () => {
        set.mockRestore();
        clear.mockRestore();
      },
    };
  }

  it('destroy() frees everything: the sockets of both ends, the read in flight, the handshake timer; the observables complete', async () => {
    const raw = Deno.listen({ hostname: '127.0.0.1', port: 0 });
    const before = countResources('tcpStream');
    const timers = watchTimers();
    let serverSide: TlsConn | undefined;
    try {
      const accepted = raw.accept().then((tcp) => (serverSide = accept(tcp, { cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem })));
      const conn = await client(portOf(raw.addr), { keylog: () => undefined, trace: () => undefined });
      await accepted;
      await serverSide!.established;
      expect(timers.pending()).toBe(0); // the server's handshake timer was cleared
      expect(countResources('tcpStream')).toBe(before + 2);
      const observed = ([conn.handshake$, conn.messages$, conn.keylog$, conn.tickets$, conn.wants$, conn.phase$] as Observable<unknown>[]).map((o) => lastValueFrom(o.pipe(toArray())));
      const reading = conn.read().catch((e: unknown) => e); // a read in flight
      await sleep(20);
      conn.destroy();
      expect(await reading).toBeInstanceOf(TransportError);
      expect(await firstValueFrom(conn.close$)).toEqual({ clean: false });
      await Promise.all(observed); // all completed
      // The server side sees the truncation and frees its socket too.
      expect(await serverSide!.read().catch((e: unknown) => e)).toBeInstanceOf(TransportError);
      await until(() => countResources('tcpStream') <= before, 'both sockets to close');
      expect(timers.pending()).toBe(0);
    } finally {
      timers.restore();
      raw.close();
    }
  });

  it('destroy() during the handshake: established rejects, handshake$ errors with the same error, close$ is not clean', async () => {
    const port = server(async () => undefined);
    const conn = await client(port, { handshake: false });
    const handshakeError = lastValueFrom(conn.handshake$).catch((e: unknown) => e);
    void conn.handshake().catch(() => undefined);
    conn.destroy();
    const failure = await conn.established.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as Error).message).toMatch(/destroyed/);
    expect(await handshakeError).toBe(failure);
    expect(await firstValueFrom(conn.close$)).toEqual({ clean: false });
  });

  it('handshakeTimeout: a client that never says hello is destroyed, onTlsClientError hears it, nothing stays open', async () => {
    const errors: Error[] = [];
    const listener = listen(
      { hostname: '127.0.0.1', port: 0, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem, handshakeTimeout: 150, onTlsClientError: (err) => errors.push(err) },
      () => undefined,
    );
    listeners.push(listener);
    const before = countResources('tcpStream');
    const tcp = await Deno.connect({ hostname: '127.0.0.1', port: portOf(listener.addr) });
    await until(() => errors.length === 1, 'the handshake timeout');
    expect(errors[0]!.message).toMatch(/handshake not finished after 150 ms/);
    expect(await tcp.read(new Uint8Array(16))).toBeNull(); // the server closed
    tcp.close();
    await until(() => listener.connections.size === 0, 'the connection to leave the listener');
    await until(() => countResources('tcpStream') <= before, 'the server side to close');
  });
});
