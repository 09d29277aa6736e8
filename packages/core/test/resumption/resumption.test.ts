// rxtls client <-> rxtls server resumption in memory: tickets, a resumed handshake without
// certificates, HRR, and every reason a ticket is refused.
import { describe, expect, it } from 'vitest';
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import type { ClientConfig } from '../../src/handshake/config.ts';
import type { ServerConfig } from '../../src/handshake/server-config.ts';
import type { EngineEvent, SessionTicket } from '../../src/handshake/events.ts';
import { MemoryTicketStore } from '../../src/handshake/tickets/ticket-store.ts';
import { TicketKeys } from '../../src/handshake/tickets/ticket-keys.ts';
import { getTestPki } from '../support/pki.ts';
import { handshakePair, transfer } from '../server/pair.ts';

const pki = await getTestPki();

function server(extra: Partial<ServerConfig> = {}): TlsServerContext {
  return new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }], ...extra });
}

function client(store: MemoryTicketStore, extra: Partial<ClientConfig> = {}): TlsClientContext {
  return new TlsClientContext({ ca: pki.rootPem, ticketStore: store, ...extra });
}

function record(conn: TlsConnection): EngineEvent[] {
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));
  return events;
}

const steps = (events: EngineEvent[]): string[] => events.flatMap((e) => (e.channel === 'handshake' ? [e.event.type] : []));

/** A handshake, then the client reads what followed it (the tickets). */
async function connectOnce(c: TlsClientContext, s: TlsServerContext): Promise<{ client: TlsConnection; server: TlsConnection; clientEvents: EngineEvent[]; serverEvents: EngineEvent[] }> {
  const conn = c.connection({ serverName: 'localhost' });
  const srv = s.connection();
  const clientEvents = record(conn);
  const serverEvents = record(srv);
  await handshakePair(conn, srv);
  conn.receive(srv.takeOutput());
  expect(conn.readAvailable()).toBeNull(); // takes the NewSessionTickets
  return { client: conn, server: srv, clientEvents, serverEvents };
}

describe('session tickets and resumption, rxtls <-> rxtls', () => {
  it('a full handshake leaves two tickets; the next connection resumes without certificates', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server();
    const first = await connectOnce(c, s);
    expect(first.client.negotiated?.resumed).toBe(false);
    expect(first.server.negotiated?.resumed).toBe(false);
    expect(first.clientEvents.filter((e) => e.channel === 'ticket')).toHaveLength(2);
    expect(store.count('localhost')).toBe(2);

    const second = await connectOnce(c, s);
    for (const side of [second.client, second.server]) expect(side.negotiated?.resumed).toBe(true);
    expect(second.client.negotiated?.peerCertificates).toEqual([]);
    expect(steps(second.clientEvents)).not.toContain('certificate');
    expect(steps(second.clientEvents)).not.toContain('certificate-verified');
    expect(steps(second.serverEvents)).not.toContain('server-certificate-sent');
    const sh = second.clientEvents.find((e) => e.channel === 'handshake' && e.event.type === 'server-hello');
    expect(sh?.channel === 'handshake' && sh.event.type === 'server-hello' && sh.event.resumed).toBe(true);
    // The resumed connection works, and hands out new tickets in turn (one was taken, two came).
    const data = new Uint8Array(5000).fill(7);
    expect(transfer(second.client, second.server, data)).toEqual(data);
    expect(store.count('localhost')).toBe(3);
  });

  it('each ticket is used once', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server({ ticketCount: 1 });
    await connectOnce(c, s);
    const ticket = store.take('localhost')!;
    store.put('localhost', ticket);
    const resumed = await connectOnce(c, s);
    expect(resumed.client.negotiated?.resumed).toBe(true);
    expect(store.take('localhost')?.ticket).not.toEqual(ticket.ticket);
  });

  it('ticketCount 0: no tickets, so no resumption', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server({ ticketCount: 0 });
    const first = await connectOnce(c, s);
    expect(first.clientEvents.filter((e) => e.channel === 'ticket')).toHaveLength(0);
    const second = await connectOnce(c, s);
    expect(second.client.negotiated?.resumed).toBe(false);
  });

  it('HelloRetryRequest then resumption: the binder is recomputed over the new transcript', async () => {
    const store = new MemoryTicketStore();
    const c = client(store); // shares x25519 first
    const s = server({ groups: ['secp256r1'] });
    await connectOnce(c, s);
    const second = await connectOnce(c, s);
    for (const side of [second.client, second.server]) {
      expect(side.negotiated?.helloRetry).toBe(true);
      expect(side.negotiated?.resumed).toBe(true);
    }
  });

  it('a forged ticket gets a full handshake, without an alert', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server();
    await connectOnce(c, s);
    const real = store.take('localhost')!;
    while (store.take('localhost')) {
      // empty the store
    }
    const forged = real.ticket.slice();
    forged[forged.length - 1]! ^= 1;
    store.put('localhost', { ...real, ticket: forged });
    const second = await connectOnce(c, s);
    expect(second.client.negotiated?.resumed).toBe(false);
    expect(second.server.negotiated?.resumed).toBe(false);
    expect(second.client.negotiated?.verifiedPath).toHaveLength(3);
  });

  it('a ticket sealed by another server gets a full handshake', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    await connectOnce(c, server());
    const second = await connectOnce(c, server());
    expect(second.server.negotiated?.resumed).toBe(false);
  });

  it('a bad binder on a ticket the server accepts: decrypt_error', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server({ ticketCount: 1 });
    await connectOnce(c, s);
    const real = store.take('localhost')!;
    const wrongPsk = real.psk.slice();
    wrongPsk[0]! ^= 1;
    store.put('localhost', { ...real, psk: wrongPsk });
    const conn = c.connection({ serverName: 'localhost' });
    const srv = s.connection();
    await expect(handshakePair(conn, srv)).rejects.toBeInstanceOf(TlsError);
    expect((srv.error as TlsError).alertName).toBe('decrypt_error');
    conn.receive(srv.takeOutput());
    expect(conn.connect()).toBe(-1);
    expect((conn.error as TlsError).alertName).toBe('decrypt_error');
  });

  it('an expired ticket (by the server clock) gets a full handshake', async () => {
    let serverNow = Date.now();
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server({ ticketLifetime: 60, clock: () => serverNow });
    await connectOnce(c, s);
    serverNow += 61_000;
    const second = await connectOnce(c, s);
    expect(second.server.negotiated?.resumed).toBe(false);
  });

  it('a client does not offer a ticket past its lifetime', async () => {
    let clientNow = Date.now();
    const store = new MemoryTicketStore();
    const c = client(store, { now: () => new Date(clientNow) });
    const s = server({ ticketLifetime: 60 });
    await connectOnce(c, s);
    clientNow += 61_000;
    const conn = c.connection({ serverName: 'localhost' });
    const events = record(conn);
    conn.connect();
    const hello = events.find((e) => e.channel === 'message' && e.event.kind === 'handshake' && e.event.direction === 'sent');
    expect(hello?.channel === 'message' && hello.event.kind === 'handshake' && hello.event.bytes.length).toBeGreaterThan(0);
    expect(store.count('localhost')).toBe(0); // both stale tickets were dropped
    const sent = hello?.channel === 'message' && hello.event.kind === 'handshake' ? hello.event.bytes : new Uint8Array(0);
    expect(containsExtension(sent, 0x0029)).toBe(false);
  });

  it('an obfuscated age off by more than the window gets a full handshake', async () => {
    let serverNow = Date.now();
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server({ clock: () => serverNow });
    await connectOnce(c, s);
    serverNow += 30_000; // the server thinks the ticket is 30 s old, the client that it is new
    const second = await connectOnce(c, s);
    expect(second.server.negotiated?.resumed).toBe(false);
    serverNow += 5_000; // the new tickets are 5 s old for the server, new for the client: within the window
    const third = await connectOnce(c, s);
    expect(third.server.negotiated?.resumed).toBe(true);
  });

  it('a ticket for another server name is not resumed', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server();
    await connectOnce(c, s);
    for (let t = store.take('localhost'); t; t = store.take('localhost')) store.put('other.localhost', t as SessionTicket);
    // The certificate does not name other.localhost: what matters here is the server's choice.
    const conn = c.connection({ serverName: 'other.localhost', dangerouslyDisableCertificateVerification: true });
    const srv = s.connection();
    await handshakePair(conn, srv);
    expect(srv.negotiated?.resumed).toBe(false);
    expect(conn.negotiated?.resumed).toBe(false);
  });

  it('a ServerHello selecting an identity we did not offer: illegal_parameter', async () => {
    const store = new MemoryTicketStore();
    const c = client(store);
    const s = server();
    await connectOnce(c, s);
    const conn = c.connection({ serverName: 'localhost' });
    const srv = s.connection();
    conn.connect();
    srv.receive(conn.takeOutput());
    srv.accept();
    const flight = srv.takeOutput();
    // ServerHello is in the clear: pre_shared_key (00 29, length 2) selects identity 0; make it 1.
    const at = Buffer.from(flight).indexOf(Buffer.from([0x00, 0x29, 0x00, 0x02, 0x00, 0x00]));
    expect(at).toBeGreaterThan(0);
    flight[at + 5] = 1;
    conn.receive(flight);
    expect(conn.connect()).toBe(-1);
    expect((conn.error as TlsError).alertName).toBe('illegal_parameter');
  });

  it('ticket keys shared by two contexts, and rotation keeps the previous key for opening', async () => {
    const keys = new TicketKeys();
    const store = new MemoryTicketStore();
    const c = client(store);
    const a = server({ ticketKeys: keys, ticketCount: 1 });
    const b = server({ ticketKeys: keys, ticketCount: 1 });
    await connectOnce(c, a);
    expect((await connectOnce(c, b)).server.negotiated?.resumed).toBe(true);
    keys.rotate();
    // The ticket b issued before the rotation still opens.
    expect((await connectOnce(c, a)).server.negotiated?.resumed).toBe(true);
    // That connection's ticket is under the new key; two rotations later it is gone.
    keys.rotate();
    keys.rotate();
    expect((await connectOnce(c, b)).server.negotiated?.resumed).toBe(false);
  });
});

/** Whether a ClientHello message carries an extension of `type`. */
function containsExtension(hello: Uint8Array, type: number): boolean {
  let at = 4 + 2 + 32;
  at += 1 + hello[at]!;
  at += 2 + ((hello[at]! << 8) | hello[at + 1]!);
  at += 1 + hello[at]!;
  const end = at + 2 + ((hello[at]! << 8) | hello[at + 1]!);
  at += 2;
  while (at < end) {
    if (((hello[at]! << 8) | hello[at + 1]!) === type) return true;
    at += 4 + ((hello[at + 2]! << 8) | hello[at + 3]!);
  }
  return false;
}
