import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import type { NegotiatedParameters } from '@rxtls/core';
import { createTlsServer } from '../../src/low-level.ts';
import type { TestPki } from '../../../core/test/support/pki.ts';
import { echoSession } from '../support/session-io.ts';
import type { CertKind } from './matrix.ts';

/** An rxtls echo server (createTlsServer) with `kind`'s certificate; `seen` gets each handshake's parameters. */
export async function echoServer(pki: TestPki, kind: CertKind, extra: Record<string, unknown>, seen: NegotiatedParameters[]): Promise<{ server: Server; port: number }> {
  const server = createTlsServer({ certificates: [{ chain: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem }], ...extra }, (session) => void echoSession(session, (p) => seen.push(p)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}
