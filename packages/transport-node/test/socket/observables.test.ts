import { createServer as createNetServer } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '@rxtls/core';
import { connect } from '../../src/index.ts';
import { getTestPki, type TestPki } from '../../../core/test/support/pki.ts';
import { serverCredentials, startNodeTlsServer } from './support/node-server.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const text = (chunks: readonly Uint8Array[]): string => Buffer.concat(chunks).toString();

describe('data$, close$ and the socket passthroughs', () => {
  it('data$ is cold: nothing is lost before subscribing; it completes at the peer close_notify', async () => {
    const server = await startNodeTlsServer(pki, (s) => {
      s.write('first ');
      setTimeout(() => s.end('second'), 20);
    });
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      await socket.established;
      await new Promise((r) => setTimeout(r, 60)); // both writes and the close_notify have arrived by now
      expect(socket.readableFlowing).not.toBe(true); // nobody reads yet
      const chunks = await lastValueFrom(socket.data$.pipe(toArray()));
      expect(text(chunks)).toBe('first second');
      expect((await firstValueFrom(socket.close$)).clean).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('data$ errors with the truncation error when TCP ends without close_notify', async () => {
    const context = createSecureContext({ ...serverCredentials(pki), minVersion: 'TLSv1.3' });
    const server = createNetServer((raw) => {
      const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
      tls.on('error', () => undefined);
      // TCP FIN, no close_notify. (raw.destroy(), not raw.end(): Bun's node:tls answers an end() of
      // the socket under it with a close_notify, which Node's does not.)
      tls.on('secure', () => tls.write('cut', () => setTimeout(() => raw.destroy(), 20)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const socket = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port, servername: 'localhost', ca: pki.rootPem });
      const chunks: Uint8Array[] = [];
      const error = await new Promise<unknown>((resolve) => socket.data$.subscribe({ next: (c) => chunks.push(c), error: resolve, complete: () => resolve('completed') }));
      expect(error).toBeInstanceOf(TransportError);
      expect(text(chunks)).toBe('cut');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('writes made before the handshake finishes are sent after it, in order', async () => {
    const server = await startNodeTlsServer(pki, (s) => s.pipe(s));
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem });
      socket.write('one,');
      socket.write('two,');
      socket.end('three');
      const chunks = await lastValueFrom(socket.data$.pipe(toArray()));
      expect(text(chunks)).toBe('one,two,three');
    } finally {
      await server.close();
    }
  });

  it("timeout: 'timeout' is emitted on the socket, which stays open", async () => {
    const server = await startNodeTlsServer(pki, () => undefined);
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: pki.rootPem, timeout: 150 });
      await socket.established;
      const started = Date.now();
      await new Promise((r) => socket.once('timeout', r));
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(socket.destroyed).toBe(false);
      socket.setTimeout(0);
      expect(socket.setKeepAlive(true, 1000)).toBe(socket);
      expect(socket.setNoDelay(true)).toBe(socket);
      expect(socket.address()).toMatchObject({ address: '127.0.0.1' });
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});
