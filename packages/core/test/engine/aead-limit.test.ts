// RFC 8446 §5.5: a key protects a bounded number of records; the engine updates its own key
// and asks the peer to update, without the application doing anything.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import type { EngineEvent } from '../../src/handshake/events.ts';
import { getTestPki } from '../support/pki.ts';
import { handshakePair, transfer } from '../server/pair.ts';

const pki = await getTestPki();
const server = new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] });

function updates(events: EngineEvent[], direction: 'sent' | 'received'): number {
  return events.filter((e) => e.channel === 'key-update' && e.direction === direction).length;
}

describe('automatic KeyUpdate at the AEAD limit', () => {
  it('AES-GCM suites get the RFC 8446 §5.5 limit; ChaCha20-Poly1305 none', async () => {
    const aes = new TlsClientContext({ ca: pki.rootPem, cipherSuites: ['TLS_AES_128_GCM_SHA256'] }).connection({ serverName: 'localhost' });
    await handshakePair(aes, server.connection());
    expect(aes.aeadRecordLimit).toBe(Math.floor(2 ** 24.5));
    const chacha = new TlsClientContext({ ca: pki.rootPem, cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] }).connection({ serverName: 'localhost' });
    await handshakePair(chacha, server.connection());
    expect(chacha.aeadRecordLimit).toBeUndefined();
  });

  it('the writer updates its key every N records and the reader follows; no byte is lost', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    const conn = server.connection();
    await handshakePair(client, conn);
    const clientEvents: EngineEvent[] = [];
    const serverEvents: EngineEvent[] = [];
    client.onEvent((e) => clientEvents.push(e));
    conn.onEvent((e) => serverEvents.push(e));
    client.aeadRecordLimit = 4;
    conn.aeadRecordLimit = 1_000; // the server reads far below its own limit
    const data = randomBytes(20 * 16384);
    expect(Buffer.from(transfer(client, conn, data)).equals(data)).toBe(true);
    expect(updates(clientEvents, 'sent')).toBeGreaterThanOrEqual(4);
    expect(updates(serverEvents, 'received')).toBe(updates(clientEvents, 'sent'));
  });

  it('a reader near the limit asks the writer to update (update_requested), once per key', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    const conn = server.connection();
    await handshakePair(client, conn);
    const clientEvents: EngineEvent[] = [];
    client.onEvent((e) => clientEvents.push(e));
    client.aeadRecordLimit = 3; // the client reads: it asks the server to move on
    conn.aeadRecordLimit = 1_000;
    const data = randomBytes(10 * 16384);
    expect(Buffer.from(transfer(conn, client, data)).equals(data)).toBe(true);
    // Deliver the client's request; the server answers with its own KeyUpdate.
    conn.receive(client.takeOutput());
    conn.readAvailable();
    client.receive(conn.takeOutput());
    client.readAvailable();
    expect(updates(clientEvents, 'sent')).toBeGreaterThanOrEqual(1);
    expect(updates(clientEvents, 'received')).toBeGreaterThanOrEqual(1);
    // Data still flows both ways afterwards.
    const more = randomBytes(50_000);
    expect(Buffer.from(transfer(conn, client, more)).equals(more)).toBe(true);
    expect(Buffer.from(transfer(client, conn, more)).equals(more)).toBe(true);
  });
});
