// RFC 8448 §4 (resumed handshake) replayed on both sides, as far as the trace allows: the trace
// also sends 0-RTT data, which we neither send nor accept, so the client's ClientHello, binder
// and secrets match the trace byte for byte, and the server's ServerHello and handshake secrets.
import { describe, expect, it } from 'vitest';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { toHex, bytesEqual } from '../../src/bytes/util.ts';
import { ExtensionType } from '../../src/codec/enums.ts';
import { findExtension } from '../../src/codec/extension.ts';
import { decodeClientHello } from '../../src/codec/messages/client-hello.ts';
import { decodePreSharedKeyClientHello } from '../../src/codec/extensions/pre-shared-key.ts';
import type { EngineEvent, SessionTicket } from '../../src/handshake/events.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { MemoryTicketStore } from '../../src/handshake/tickets/ticket-store.ts';
import { encodeResumptionState } from '../../src/handshake/tickets/session-state.ts';
import type { TicketProtector } from '../../src/handshake/tickets/ticket-keys.ts';
import { getTestPki } from '../support/pki.ts';
import { TlsClientContext } from '../../src/engine/context.ts';
import type { ClientConfig } from '../../src/handshake/config.ts';
import { all, section3Client, section3ServerRecords, shapeLikeTrace, steps } from '../handshake/trace-fixture.ts';

/**
 * The §4 client, like trace-fixture's traceClient but shaped after the ClientHello *record*:
 * the trace's "construct a ClientHello" value stops before the binders.
 */
function section4Client(extra: Partial<ClientConfig>): TlsConnection {
  const hello = all('4', 'client', 'send handshake record', 'complete record')[0]!.subarray(5);
  const provider = createDeterministicProvider(nobleProvider, {
    random: [hello.subarray(6, 38)],
    keyShares: { x25519: traceValue(steps, '4', 'client', 'create an ephemeral x25519 key pair', 'private key') },
  });
  const ctx = new TlsClientContext({
    provider,
    dangerouslyDisableCertificateVerification: true,
    cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
    groups: ['x25519', 'secp256r1', 'secp384r1'],
    middleboxCompatibility: false,
    minVersion: 'TLSv1.3', // the trace's ClientHello offers TLS 1.3 only
    testing: { rewriteClientHelloExtensions: shapeLikeTrace([hello]) },
    ...extra,
  });
  const conn = ctx.connection({ serverName: 'server' });
  conn.keylogEnabled = true;
  return conn;
}

function recording(conn: TlsConnection): EngineEvent[] {
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));
  return events;
}

function keylogSecret(events: EngineEvent[], label: string): string {
  const line = events.find((e) => e.channel === 'keylog' && e.line.startsWith(`${label} `));
  if (!line || line.channel !== 'keylog') throw new Error(`no ${label} line`);
  return line.line.split(' ')[2]!;
}

const traceSecret = (label: string): string => toHex(traceValue(steps, '4', 'server', `derive secret "${label}"`, 'expanded'));

/** The §3 ticket, as our client takes it from the §3 server's NewSessionTicket. */
function section3Ticket(): SessionTicket {
  const conn = section3Client();
  const events = recording(conn);
  conn.connect();
  conn.takeOutput();
  conn.receive(section3ServerRecords[0]!);
  conn.receive(section3ServerRecords[1]!);
  expect(conn.connect()).toBe(1);
  conn.receive(section3ServerRecords[2]!);
  conn.readAvailable();
  const ticket = events.find((e) => e.channel === 'ticket');
  if (ticket?.channel !== 'ticket') throw new Error('no ticket from §3');
  return ticket.ticket;
}

// The §4 ClientHello and the identity it offers.
const clientRecords = all('4', 'client', 'send handshake record', 'complete record');
const serverRecords = all('4', 'server', 'send handshake record', 'complete record');
// The trace lists the ClientHello without its binders; the record has all of it.
const traceHello = clientRecords[0]!.subarray(5);
const offered = decodePreSharedKeyClientHello(findExtension(decodeClientHello(traceHello.subarray(4)).extensions, ExtensionType.pre_shared_key)!);
const NOW = 1_700_000_000_000;
const pki = await getTestPki();

describe('RFC 8448 §4 resumed handshake, client side', () => {
  const ticket = section3Ticket();
  // The age that, with the §3 ticket_age_add, gives the trace's obfuscated_ticket_age.
  const age = (offered.identities[0]!.obfuscatedTicketAge - ticket.ageAdd) >>> 0;
  const store = new MemoryTicketStore();
  store.put('server', { ...ticket, receivedAt: NOW - age });
  const conn = section4Client({ ticketStore: store, now: () => new Date(NOW) });
  const events = recording(conn);

  it('the §3 ticket carries the trace identity and resumption PSK', () => {
    expect(toHex(ticket.ticket)).toBe(toHex(offered.identities[0]!.identity));
    expect(toHex(ticket.psk)).toBe(toHex(traceValue(steps, '3', 'server', 'generate resumption secret', 'expanded')));
    expect(age).toBeLessThan(ticket.lifetimeSeconds * 1000);
  });

  it('sends the trace ClientHello record: the ticket, its obfuscated age and the trace binder', () => {
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    const sent = conn.takeOutput();
    expect(toHex(sent)).toBe(toHex(clientRecords[0]!));
    const binder = traceValue(steps, '4', 'client', 'calculate PSK binder', 'finished');
    expect(bytesEqual(sent.subarray(sent.length - binder.length), binder)).toBe(true);
    expect(store.count('server')).toBe(0); // single use
  });

  it('takes the trace ServerHello with pre_shared_key and derives every secret of the trace', () => {
    conn.receive(serverRecords[0]!); // ServerHello
    conn.receive(serverRecords[1]!); // EncryptedExtensions, Finished: no Certificate
    expect(conn.connect()).toBe(1);
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret('tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret('tls13 s hs traffic'));
    expect(keylogSecret(events, 'CLIENT_TRAFFIC_SECRET_0')).toBe(traceSecret('tls13 c ap traffic'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(traceSecret('tls13 s ap traffic'));
    expect(keylogSecret(events, 'EXPORTER_SECRET')).toBe(traceSecret('tls13 exp master'));
    expect(conn.negotiated?.resumed).toBe(true);
    expect(conn.negotiated?.peerCertificates).toEqual([]);
    const types = events.flatMap((e) => (e.channel === 'handshake' ? [e.event.type] : []));
    expect(types).toEqual(['client-hello-sent', 'server-hello', 'encrypted-extensions', 'server-finished', 'client-finished-sent', 'established']);
  });

  it('takes the trace server application data under the resumed keys', () => {
    // The trace client sent 0-RTT data and EndOfEarlyData, so its Finished differs from ours;
    // the server's application keys come before that and match.
    conn.receive(traceValue(steps, '4', 'server', 'send application_data record', 'complete record'));
    const got = conn.readAvailable();
    expect(toHex(got ?? new Uint8Array(0))).toBe(toHex(traceValue(steps, '4', 'server', 'send application_data record', 'payload')));
  });
});

describe('RFC 8448 §4 resumed handshake, server side', () => {
  const psk = traceValue(steps, '3', 'server', 'generate resumption secret', 'expanded');
  const nst = traceValue(steps, '3', 'server', 'construct a NewSessionTicket', 'NewSessionTicket');
  const ticketAgeAdd = ((nst[8]! << 24) | (nst[9]! << 16) | (nst[10]! << 8) | nst[11]!) >>> 0;
  const age = (offered.identities[0]!.obfuscatedTicketAge - ticketAgeAdd) >>> 0;
  // The §3 server's ticket opens to the §3 resumption state; anything else does not open.
  const traceTicket: TicketProtector = {
    seal: () => {
      throw new Error('no tickets are sealed in this replay');
    },
    open: (t) =>
      bytesEqual(t, offered.identities[0]!.identity)
        ? encodeResumptionState({ cipherSuite: 0x1301, psk, ticketAgeAdd, createdAt: NOW - age, lifetimeSeconds: 30, alpn: undefined, serverName: 'server' })
        : undefined,
  };
  const serverHello = traceValue(steps, '4', 'server', 'construct a ServerHello', 'ServerHello');
  const provider = createDeterministicProvider(nobleProvider, {
    random: [serverHello.subarray(6, 38)],
    keyShares: { x25519: traceValue(steps, '4', 'server', 'create an ephemeral x25519 key pair', 'private key') },
  });
  // Any certificate: a resumed handshake sends none.
  const server = new TlsServerContext({
    provider,
    certificates: [{ chain: pki.servers.p256.certPem, key: pki.servers.p256.keyPem }],
    cipherSuites: ['TLS_AES_128_GCM_SHA256'],
    ticketKeys: traceTicket,
    clock: () => NOW,
  });
  const conn = server.connection();
  conn.keylogEnabled = true;
  const events = recording(conn);

  it('verifies the trace binder and answers with the trace ServerHello record', () => {
    conn.receive(clientRecords[0]!);
    conn.receive(traceValue(steps, '4', 'client', 'send application_data record', 'complete record')); // 0-RTT, skipped
    expect(conn.accept()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    const out = conn.takeOutput();
    expect(toHex(out.subarray(0, serverRecords[0]!.length))).toBe(toHex(serverRecords[0]!));
  });

  it('derives the trace handshake secrets from the ticket PSK', () => {
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret('tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret('tls13 s hs traffic'));
    const sent = events.flatMap((e) => (e.channel === 'handshake' ? [e.event.type] : []));
    expect(sent).toEqual(['client-hello-received', 'server-hello-sent', 'server-finished-sent']);
    const sh = events.find((e) => e.channel === 'handshake' && e.event.type === 'server-hello-sent');
    expect(sh?.channel === 'handshake' && sh.event.type === 'server-hello-sent' && sh.event.resumed).toBe(true);
  });
});
