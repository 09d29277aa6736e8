/**
 * The engine itself, both roles, with the no-security provider (null AEAD, fixed key shares,
 * signatures that always verify), so mutated input gets past the encryption into every state:
 *
 * - first byte % 4 = 0: a client (TLS 1.3 and 1.2) that sent its ClientHello, fed the input as
 *   the server's bytes; 1: a server (both versions), fed the input as the client's bytes;
 * - 2 and 3: the same, speaking only TLS 1.2.
 *
 * The second byte picks the chunking. Each call into the engine must end in 1, 0 or -1 with a
 * typed error; any other exception escapes. The seeds are whole conversations recorded with
 * the same provider, so mutations start deep.
 */
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { createNoSecurityProvider } from '../../src/testing/no-security-provider.ts';
import { SERVER_CERT_PEM, SERVER_KEY_PEM, ROOT_PEM } from '../fixtures.ts';
import { chunks } from '../harness.ts';

const NOW = (): Date => new Date('2030-01-01T00:00:00Z');
// Contexts are built once (the server's parses its certificate and key); each input gets fresh
// connections, and a provider whose counter restarts, so a recorded conversation replays.
let clientProvider = createNoSecurityProvider(1);
// Far from the client's counter, so that the two sides never draw the same "random" bytes (a
// server session id equal to the client's would read as a resumption).
let serverProvider = createNoSecurityProvider(101);
const clientContext = new TlsClientContext({ provider: { ...clientProvider, randomBytes: (n) => clientProvider.randomBytes(n) }, dangerouslyDisableCertificateVerification: true, ticketStore: false, now: NOW });
const serverContext = new TlsServerContext({ provider: { ...serverProvider, randomBytes: (n) => serverProvider.randomBytes(n) }, certificates: [{ chain: SERVER_CERT_PEM, key: SERVER_KEY_PEM }], clock: () => 0, now: NOW });
const clientContext12 = new TlsClientContext({ provider: { ...clientProvider, randomBytes: (n) => clientProvider.randomBytes(n) }, dangerouslyDisableCertificateVerification: true, ticketStore: false, now: NOW, maxVersion: 'TLSv1.2' });
const serverContext12 = new TlsServerContext({ provider: { ...serverProvider, randomBytes: (n) => serverProvider.randomBytes(n) }, certificates: [{ chain: SERVER_CERT_PEM, key: SERVER_KEY_PEM }], clock: () => 0, now: NOW, maxVersion: 'TLSv1.2' });

/** A client that skips the chain check (its signature checks still run): it reaches Finished. */
export function fuzzClient(version: 'any' | 'TLSv1.2' = 'any'): TlsConnection {
  clientProvider = createNoSecurityProvider(1);
  return (version === 'any' ? clientContext : clientContext12).connection();
}

/** A server with the fuzz certificate. */
export function fuzzServer(version: 'any' | 'TLSv1.2' = 'any'): TlsConnection {
  serverProvider = createNoSecurityProvider(101);
  return (version === 'any' ? serverContext : serverContext12).connection();
}

/** Context for a verifying client (used by the seed generator to check the fixtures). */
export const FUZZ_ROOT = ROOT_PEM;

/** Drive `conn` as far as the input takes it: handshake, then reads, then a write. */
function pump(conn: TlsConnection): void {
  const r = conn.doHandshake();
  if (r !== 1) {
    expectSettled(conn);
    return;
  }
  for (let i = 0; i < 64 && conn.readAvailable() !== null; i++);
  expectSettled(conn);
  if (conn.isEstablished) conn.write(Uint8Array.of(1, 2, 3));
}

/** After a call: a known SslError; SSL and SYSCALL carry the typed error. */
function expectSettled(conn: TlsConnection): void {
  const e = conn.getError();
  if (!Object.values(SslError).includes(e)) throw new Error(`unknown SslError ${String(e)}`);
  if ((e === SslError.SSL || e === SslError.SYSCALL) && conn.error === undefined) throw new Error('failed without an error');
}

/** Feed `data` to a fresh connection of the role it names; the connection afterwards. */
export function run(data: Uint8Array): TlsConnection | undefined {
  if (data.length < 2) return undefined;
  const version = data[0]! % 4 >= 2 ? 'TLSv1.2' : 'any';
  const conn = data[0]! % 2 === 0 ? fuzzClient(version) : fuzzServer(version);
  conn.doHandshake(); // the client's ClientHello; the server waits
  conn.takeOutput();
  for (const chunk of chunks(data.subarray(1))) {
    conn.receive(chunk);
    pump(conn);
    conn.takeOutput();
  }
  conn.receiveEnd();
  pump(conn);
  return conn;
}

export function fuzz(data: Uint8Array): void {
  run(data);
}
