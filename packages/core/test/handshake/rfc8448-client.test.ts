// RFC 8448 replayed against our client, byte for byte: §3 (simple 1-RTT) and §5
// (HelloRetryRequest). Randomness and key shares are injected from the trace; the server's
// records are fed in as the trace shows them; our output must equal the trace's records.
import { describe, expect, it } from 'vitest';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { toHex } from '../../src/bytes/util.ts';
import type { EngineEvent } from '../../src/handshake/events.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { all, steps, traceClient } from './trace-fixture.ts';

function keylogSecret(events: EngineEvent[], label: string): string {
  const line = events.find((e) => e.channel === 'keylog' && e.line.startsWith(`${label} `));
  if (!line || line.channel !== 'keylog') throw new Error(`no ${label} line`);
  return line.line.split(' ')[2]!;
}

function recording(conn: TlsConnection): EngineEvent[] {
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));
  return events;
}

describe('RFC 8448 §3 simple 1-RTT handshake, client side', () => {
  const section = '3';
  const clientRecords = all(section, 'client', 'send handshake record', 'complete record');
  const serverRecords = all(section, 'server', 'send handshake record', 'complete record');
  const dropped: number[] = [];
  const conn = traceClient(section, { x25519: traceValue(steps, section, 'client', 'create an ephemeral x25519 key pair', 'private key') }, {}, dropped);
  const events = recording(conn);

  it('sends the trace ClientHello record', () => {
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(dropped).toEqual([]); // every extension we generate is in the trace
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[0]!));
  });

  it('derives every handshake and application secret of the trace', () => {
    conn.receive(serverRecords[0]!); // ServerHello
    conn.receive(serverRecords[1]!); // EncryptedExtensions .. Finished
    expect(conn.connect()).toBe(1);
    const secret = (label: string): string => toHex(traceValue(steps, section, 'server', `derive secret "${label}"`, 'expanded'));
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(secret('tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(secret('tls13 s hs traffic'));
    expect(keylogSecret(events, 'CLIENT_TRAFFIC_SECRET_0')).toBe(secret('tls13 c ap traffic'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(secret('tls13 s ap traffic'));
    expect(keylogSecret(events, 'EXPORTER_SECRET')).toBe(secret('tls13 exp master'));
  });

  it('sends the trace client Finished record', () => {
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[1]!));
    expect(conn.negotiated?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(conn.negotiated?.signatureScheme).toBe('rsa_pss_rsae_sha256');
  });

  it('takes the NewSessionTicket and derives the trace resumption PSK', () => {
    conn.receive(serverRecords[2]!);
    expect(conn.read(new Uint8Array(100))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    const ticket = events.find((e) => e.channel === 'ticket');
    if (ticket?.channel !== 'ticket') throw new Error('no ticket event');
    expect(ticket.ticket.lifetimeSeconds).toBe(30);
    expect(toHex(ticket.ticket.psk)).toBe(toHex(traceValue(steps, section, 'server', 'generate resumption secret', 'expanded')));
  });

  it('exchanges the trace application data and close_notify records', () => {
    const clientData = traceValue(steps, section, 'client', 'send application_data record', 'payload');
    expect(conn.write(clientData)).toBe(50);
    expect(toHex(conn.takeOutput())).toBe(toHex(traceValue(steps, section, 'client', 'send application_data record', 'complete record')));
    conn.receive(traceValue(steps, section, 'server', 'send application_data record', 'complete record'));
    const buf = new Uint8Array(100);
    expect(conn.read(buf)).toBe(50);
    expect(toHex(buf.subarray(0, 50))).toBe(toHex(traceValue(steps, section, 'server', 'send application_data record', 'payload')));
    expect(conn.shutdown()).toBe(0);
    expect(toHex(conn.takeOutput())).toBe(toHex(traceValue(steps, section, 'client', 'send alert record', 'complete record')));
    conn.receive(traceValue(steps, section, 'server', 'send alert record', 'complete record'));
    expect(conn.shutdown()).toBe(1);
    expect(conn.read(buf)).toBe(0);
    expect(conn.getError()).toBe(SslError.ZERO_RETURN);
  });
});

describe('RFC 8448 §5 HelloRetryRequest, client side', () => {
  const section = '5';
  const clientRecords = all(section, 'client', 'send handshake record', 'complete record');
  const serverRecords = all(section, 'server', 'send handshake record', 'complete record');
  const conn = traceClient(section, {
    x25519: traceValue(steps, section, 'client', 'create an ephemeral x25519 key pair', 'private key'),
    secp256r1: traceValue(steps, section, 'client', 'create an ephemeral P-256 key pair', 'private key'),
  });
  const events = recording(conn);

  it('sends the first ClientHello, then the second one after the HelloRetryRequest', () => {
    expect(conn.connect()).toBe(-1);
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[0]!));
    conn.receive(serverRecords[0]!); // HelloRetryRequest
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[1]!));
    expect(events.some((e) => e.channel === 'handshake' && e.event.type === 'hello-retry-request')).toBe(true);
  });

  it('completes with the trace secrets and the trace client Finished', () => {
    conn.receive(serverRecords[1]!);
    conn.receive(serverRecords[2]!);
    expect(conn.connect()).toBe(1);
    const secret = (label: string): string => toHex(traceValue(steps, section, 'server', `derive secret "${label}"`, 'expanded'));
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(secret('tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(secret('tls13 s ap traffic'));
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[2]!));
    expect(conn.negotiated?.group).toBe('secp256r1');
    expect(conn.negotiated?.helloRetry).toBe(true);
  });
});
