// A client that completes its handshake honestly (rxtls over a TCP socket), then forges records
// under its own keys: what the hostile-peer tests and `pnpm stress` attack servers with.
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { CipherSuite, TlsClientContext, TlsSession, nobleProvider } from '@rxtls/core';
import { RecordForge } from '@rxtls/core/testing';
import { NodeReadiness } from '../../src/low-level.ts';

/** Handshake over `socket` (connecting or connected) trusting `ca` for "localhost"; the session and a forge for the client's traffic keys. */
export async function forgeAfterHandshake(socket: Socket, ca: string): Promise<{ session: TlsSession; forge: RecordForge }> {
  if (socket.connecting) await once(socket, 'connect');
  socket.setNoDelay(true);
  const connection = new TlsClientContext({ ca, ticketStore: false }).connection({ serverName: 'localhost' });
  const session = new TlsSession(connection, new NodeReadiness(socket));
  const lines: string[] = [];
  session.keylog$.subscribe((line) => lines.push(line));
  const negotiated = await session.handshake();
  const suite = CipherSuite[negotiated.cipherSuite as keyof typeof CipherSuite];
  return { session, forge: RecordForge.fromKeylog(nobleProvider, suite, lines, 'CLIENT_TRAFFIC_SECRET_0') };
}
