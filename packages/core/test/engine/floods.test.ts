// Flood caps and the per-call work budget (DESIGN: bounded work). Each attack on the RFC 8448
// client ends in unexpected_message, sent as an encrypted fatal alert; the same input one
// step short of the cap is fine.
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import { ContentType, HandshakeType } from '../../src/codec/enums.ts';
import { encodeHandshake } from '../../src/codec/handshake.ts';
import { encodeNewSessionTicket } from '../../src/codec/messages/new-session-ticket.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { nextApplicationTrafficSecret } from '../../src/crypto/key-schedule.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { RecordForge } from '../../src/testing/record-forge.ts';
import {
  MAX_CONSECUTIVE_EMPTY_RECORDS,
  MAX_CONSECUTIVE_WARNING_ALERTS,
  MAX_KEY_UPDATES_WITHOUT_DATA,
  MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA,
  RECORDS_PER_CALL,
} from '../../src/record/limits.ts';
import { clientAppSecret, established, openerFor, sealerFor, serverAppSecret, suite } from './traffic-fixture.ts';

const empty = new Uint8Array(0);
const userCanceled = Uint8Array.of(1, 90);
const keyUpdate = (requested: boolean): Uint8Array => Uint8Array.of(HandshakeType.key_update, 0, 0, 1, requested ? 1 : 0);
const ticket = (): Uint8Array =>
  encodeHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket({ ticketLifetime: 60, ticketAgeAdd: 1, ticketNonce: Uint8Array.of(0), ticket: Uint8Array.of(1, 2, 3), extensions: [] }));

/** Opens what the client sends, following its KeyUpdates. */
class ClientView {
  private secret = clientAppSecret;
  private open = openerFor(clientAppSecret);

  read(bytes: Uint8Array): { type: number; content: Uint8Array }[] {
    const out: { type: number; content: Uint8Array }[] = [];
    // One record at a time: a KeyUpdate changes the key for the records after it.
    for (let at = 0; at < bytes.length; ) {
      const length = 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!);
      const [record] = this.open(bytes.subarray(at, at + length));
      out.push(record!);
      at += length;
      if (record!.type === ContentType.handshake && record!.content[0] === HandshakeType.key_update) {
        this.secret = nextApplicationTrafficSecret(nobleProvider, suite, this.secret);
        this.open = openerFor(this.secret);
      }
    }
    return out;
  }
}

/**
 * Read until the connection settles: each call does at most its budget, so a flood takes
 * several calls. Returns the bytes read and how many calls it took.
 */
function readAll(conn: TlsConnection): { data: number; calls: number } {
  let data = 0;
  let calls = 0;
  for (;;) {
    calls++;
    const chunk = conn.readAvailable();
    if (chunk !== null) {
      data += chunk.length;
      continue;
    }
    if (!(conn.getError() === SslError.WANT_READ && conn.stoppedAtBudget)) return { data, calls };
  }
}

function expectUnexpectedMessage(conn: TlsConnection, why: RegExp): void {
  expect(conn.getError()).toBe(SslError.SSL);
  expect(conn.error).toBeInstanceOf(TlsError);
  expect((conn.error as TlsError).alertName).toBe('unexpected_message');
  expect(conn.error!.message).toMatch(why);
  // The alert went out encrypted: the last record the client wrote is a fatal unexpected_message.
  const records = openerFor(clientAppSecret)(conn.takeOutput());
  expect(records.at(-1)).toEqual({ type: ContentType.alert, content: Uint8Array.of(2, 10) });
}

describe('flood caps (record/limits.ts)', () => {
  it(`more than ${MAX_CONSECUTIVE_EMPTY_RECORDS} empty records in a row: unexpected_message`, () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    const flood = Array.from({ length: MAX_CONSECUTIVE_EMPTY_RECORDS + 1 }, () => server.seal(ContentType.application_data, empty));
    conn.receive(concat(...flood));
    readAll(conn);
    expectUnexpectedMessage(conn, /empty records/);
  });

  it('empty records up to the cap, then data, then as many again: fine (data resets the count)', () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    const run = (): Uint8Array[] => Array.from({ length: MAX_CONSECUTIVE_EMPTY_RECORDS }, () => server.seal(ContentType.application_data, empty));
    conn.receive(concat(...run(), server.seal(ContentType.application_data, Uint8Array.of(7)), ...run()));
    expect(readAll(conn).data).toBe(1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
  });

  it(`more than ${MAX_CONSECUTIVE_WARNING_ALERTS} user_canceled alerts in a row: unexpected_message`, () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(concat(...Array.from({ length: MAX_CONSECUTIVE_WARNING_ALERTS }, () => server.seal(ContentType.alert, userCanceled))));
    readAll(conn);
    expect(conn.getError()).toBe(SslError.WANT_READ); // up to the cap they are taken
    conn.receive(server.seal(ContentType.alert, userCanceled));
    readAll(conn);
    expectUnexpectedMessage(conn, /warning alerts/);
  });

  it(`KeyUpdate: requests while our answer is pending are coalesced; more than ${MAX_KEY_UPDATES_WITHOUT_DATA} in a row: unexpected_message`, () => {
    const { conn, events } = established();
    const server = new RecordForge(nobleProvider, suite, serverAppSecret); // follows its own KeyUpdates
    const client = new ClientView();
    conn.receive(concat(...Array.from({ length: MAX_KEY_UPDATES_WITHOUT_DATA - 1 }, () => server.keyUpdate(true))));
    readAll(conn);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    // One answer for all of them: we sent nothing in between (RFC 8446 §4.6.3).
    expect(events.filter((e) => e.channel === 'key-update' && e.direction === 'sent')).toHaveLength(1);
    expect(client.read(conn.takeOutput())).toEqual([{ type: ContentType.handshake, content: keyUpdate(false) }]);

    // After our data, a new request gets a new answer.
    expect(conn.write(Uint8Array.of(1))).toBe(1);
    conn.receive(server.keyUpdate(true));
    readAll(conn);
    expect(client.read(conn.takeOutput()).map((r) => r.type)).toEqual([ContentType.application_data, ContentType.handshake]);

    // Our writes do not reset the peer's count: its next KeyUpdate crosses the cap.
    conn.receive(server.keyUpdate(false));
    readAll(conn);
    expect(conn.getError()).toBe(SslError.SSL);
    expect((conn.error as TlsError).alertName).toBe('unexpected_message');
    expect(conn.error!.message).toMatch(/KeyUpdate/);
    expect(client.read(conn.takeOutput()).at(-1)).toEqual({ type: ContentType.alert, content: Uint8Array.of(2, 10) });
  });

  it('KeyUpdates with application data in between are all taken', () => {
    const { conn } = established();
    const server = new RecordForge(nobleProvider, suite, serverAppSecret); // follows its own KeyUpdates
    for (let i = 0; i < MAX_KEY_UPDATES_WITHOUT_DATA * 3; i++) {
      conn.receive(concat(server.keyUpdate(false), server.data(Uint8Array.of(i))));
      expect(readAll(conn).data).toBe(1);
    }
    expect(conn.getError()).toBe(SslError.WANT_READ);
  });

  it(`more than ${MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA} NewSessionTickets in a row: unexpected_message`, () => {
    const { conn, events } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(concat(...Array.from({ length: MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA }, () => server.seal(ContentType.handshake, ticket()))));
    readAll(conn);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(events.filter((e) => e.channel === 'ticket')).toHaveLength(MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA);
    conn.receive(server.seal(ContentType.handshake, ticket()));
    readAll(conn);
    expectUnexpectedMessage(conn, /post-handshake messages/);
  });
});

describe('the work budget of one call', () => {
  it(`a burst of 1,000 small records is taken ${RECORDS_PER_CALL} records per call, each call returning`, () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(concat(...Array.from({ length: 1000 }, (_, i) => server.seal(ContentType.application_data, Uint8Array.of(i & 0xff)))));
    const first = conn.readAvailable();
    expect(first).toHaveLength(RECORDS_PER_CALL);
    expect(conn.stoppedAtBudget).toBe(true);
    const { data, calls } = readAll(conn);
    expect(data).toBe(1000 - RECORDS_PER_CALL);
    expect(calls).toBeGreaterThanOrEqual(Math.ceil((1000 - RECORDS_PER_CALL) / RECORDS_PER_CALL));
    expect(conn.stoppedAtBudget).toBe(false);
    expect(conn.getError()).toBe(SslError.WANT_READ);
  });

  it('a burst of records that carry no data returns WANT_READ with stoppedAtBudget, not a truncation, even after the transport ended', () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(concat(...Array.from({ length: 20 }, () => server.seal(ContentType.application_data, empty)), server.seal(ContentType.application_data, Uint8Array.of(1)), ...Array.from({ length: 20 }, () => server.seal(ContentType.application_data, empty))));
    conn.receive(server.seal(ContentType.alert, Uint8Array.of(1, 0)));
    conn.receiveEnd();
    // A budget of 32 stops inside the second run of empty records, with data in hand.
    expect(conn.readAvailable()).toEqual(Uint8Array.of(1));
    expect(conn.stoppedAtBudget).toBe(true);
    expect(conn.readAvailable()).toBe(null);
    expect(conn.getError()).toBe(SslError.ZERO_RETURN);
  });

  it('shutdown() waiting for the peer\'s close_notify behind a burst: 0 and WANT_READ per slice, then 1; the data stays readable', () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(concat(...Array.from({ length: 100 }, () => server.seal(ContentType.application_data, Uint8Array.of(5))), server.seal(ContentType.alert, Uint8Array.of(1, 0))));
    conn.receiveEnd();
    let calls = 0;
    let r: number;
    do {
      r = conn.shutdown();
      calls++;
      if (r === 0) expect([conn.getError(), conn.stoppedAtBudget]).toEqual([SslError.WANT_READ, true]);
    } while (r === 0 && calls < 20);
    expect(r).toBe(1);
    expect(calls).toBeGreaterThan(1);
    expect(conn.readAvailable()).toHaveLength(100);
  });
});
