import { connect as netConnect, createServer as createNetServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SslError, TransportError, type MessageEvent } from '@rxtls/core';
import { connect, type TlsSocket } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { serverCredentials, startNodeTlsServer } from './support/node-server.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const EVENTS = ['data', 'end', 'error', 'close', 'readable', 'drain', 'connect', 'timeout', 'finish'] as const;
const listenerCounts = (s: Socket): Record<string, number> => Object.fromEntries(EVENTS.map((e) => [e, s.listenerCount(e)]));

/** Active handles, requests and timers by type, counted. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** Whether every resource alive now was already alive at `baseline` (others may have gone since). */
const nothingNewSince = (baseline: Map<string, number>): boolean => [...resources()].every(([type, n]) => n <= (baseline.get(type) ?? 0));
const show = (m: Map<string, number>): string => [...m].map(([t, n]) => `${t}×${n}`).join(', ');

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Everything until 'end', or the error. */
function readAll(socket: TlsSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.once('end', () => resolve(Buffer.concat(parts)));
    socket.once('error', reject);
  });
}

describe('closing', () => {
  it('end() sends close_notify and half-closes TCP; the peer keeps sending and we read until its close_notify', async () => {
    let serverSawEnd = false;
    const server = await startNodeTlsServer(
      pki,
      (s) => {
        s.resume();
        s.on('end', () => {
          serverSawEnd = true;
          // Our side is closed for writing; the server's is not: it keeps talking, then closes.
          s.write('still here, ');
          setTimeout(() => s.end('goodbye'), 30);
        });
      },
      { allowHalfOpen: true },
    );
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, allowHalfOpen: true });
      const messages = lastValueFrom(socket.messages$.pipe(toArray()));
      await socket.established;
      const received = readAll(socket);
      socket.end('last words');
      await new Promise((r) => socket.once('finish', r));
      expect(socket.writableFinished).toBe(true);
      expect(socket.destroyed).toBe(false); // still reading
      expect((await received).toString()).toBe('still here, goodbye');
      expect(serverSawEnd).toBe(true);
      expect(await firstValueFrom(socket.close$)).toEqual({ clean: true });
      const alerts = (await messages).filter((m): m is Extract<MessageEvent, { kind: 'alert' }> => m.kind === 'alert');
      expect(alerts.map((a) => `${a.direction} ${a.description}`)).toEqual(['sent close_notify', 'received close_notify']);
    } finally {
      await server.close();
    }
  });

  it('a peer that drops TCP without close_notify: an error event with the truncation error, never a clean end', async () => {
    const context = createSecureContext({ ...serverCredentials(pki), minVersion: 'TLSv1.3' });
    const server = createNetServer((raw) => {
      const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
      tls.on('error', () => undefined);
      tls.on('secure', () => {
        tls.write('partial data', () => setTimeout(() => raw.destroy(), 30)); // TCP FIN, no close_notify
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
      const parts: Buffer[] = [];
      let ended = false;
      socket.on('data', (d: Buffer) => parts.push(d));
      socket.on('end', () => (ended = true));
      const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).kind).toBe('eof');
      expect(error.message).toMatch(/close_notify/);
      expect(socket.session.connection.getError()).toBe(SslError.SYSCALL);
      expect(Buffer.concat(parts).toString()).toBe('partial data'); // what did arrive was delivered
      expect(ended).toBe(false);
      const closed = await firstValueFrom(socket.close$);
      expect(closed.clean).toBe(false);
      expect(closed.error).toBe(error);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('destroy() and unsubscribing leave no listeners on the wrapped socket and no handles or timers behind', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    try {
      // Earlier tests' sockets first finish closing, so that a leaked socket of ours would show.
      await until(() => !resources().has('TCPSocketWrap'), 'earlier sockets to close');
      const baseline = resources();
      const tcp = netConnect({ host: '127.0.0.1', port: server.port });
      const tcpListenersBefore = listenerCounts(tcp);
      const socket = connect({ socket: tcp, servername: 'localhost', ca: pki.rootPem, timeout: 60_000, keylog: () => undefined, trace: () => undefined });
      socket.setTimeout(30_000, () => undefined);
      const subs = [socket.handshake$.subscribe(), socket.messages$.subscribe(), socket.keylog$.subscribe(), socket.close$.subscribe()];
      await socket.established;
      const chunks: Uint8Array[] = [];
      const dataSub = socket.data$.subscribe((c) => chunks.push(c));
      socket.write('ping');
      await until(() => chunks.length > 0, 'the echo');
      dataSub.unsubscribe();
      expect(socket.listenerCount('data')).toBe(0);
      expect(socket.isPaused()).toBe(true);
      for (const s of subs) s.unsubscribe();
      const closed = firstValueFrom(socket.close$);
      const tcpClosed = new Promise((r) => tcp.once('close', r));
      socket.destroy();
      expect(await closed).toEqual({ clean: false });
      await tcpClosed;
      await new Promise((r) => setImmediate(r));
      expect(listenerCounts(tcp)).toEqual(tcpListenersBefore);
      // The server side of the connection is in this process too: wait for it to go.
      await until(() => nothingNewSince(baseline), `no resources beyond ${show(baseline)} (now ${show(resources())})`);
    } finally {
      await server.close();
    }
  });

  it('the observables complete on destroy; a late close$ subscriber still gets the value', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      const handshake = lastValueFrom(socket.handshake$.pipe(toArray()));
      const messages = lastValueFrom(socket.messages$.pipe(toArray()));
      await socket.established;
      expect((await handshake).at(-1)?.type).toBe('established');
      socket.destroy();
      expect((await messages).length).toBeGreaterThan(5);
      await new Promise((r) => socket.once('close', r));
      expect(await firstValueFrom(socket.close$)).toEqual({ clean: false });
    } finally {
      await server.close();
    }
  });

  it('destroy() during the handshake: established rejects, handshake$ errors, no error event', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      let errorEvent = false;
      socket.on('error', () => (errorEvent = true));
      const handshakeError = lastValueFrom(socket.handshake$).catch((e: unknown) => e);
      socket.destroy();
      const failure = await socket.established.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransportError);
      expect((failure as Error).message).toMatch(/destroyed before the handshake/);
      expect(await handshakeError).toBe(failure);
      expect(await firstValueFrom(socket.close$)).toEqual({ clean: false });
      expect(errorEvent).toBe(false);
    } finally {
      await server.close();
    }
  });
});
