// A client established by replaying RFC 8448 §3, and the server's record protection, so a
// test can send it any record a server could.
import { expect } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import { RecordOpener, RecordSealer } from '../../src/record/protection.ts';
import { RecordDeframer } from '../../src/record/deframer.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { getCipherSuite } from '../../src/crypto/suites.ts';
import { trafficKeys } from '../../src/crypto/key-schedule.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import type { EngineEvent } from '../../src/handshake/events.ts';
import { section3Client, section3ServerRecords, steps } from '../handshake/trace-fixture.ts';

export const suite = getCipherSuite(0x1301)!;
export const serverAppSecret = traceValue(steps, '3', 'server', 'derive secret "tls13 s ap traffic"', 'expanded');
export const clientAppSecret = traceValue(steps, '3', 'server', 'derive secret "tls13 c ap traffic"', 'expanded');

/** Seals records as the server would under `secret`. */
export function sealerFor(secret: Uint8Array): RecordSealer {
  const { key, iv } = trafficKeys(nobleProvider, suite, secret);
  return new RecordSealer(nobleProvider.createAead(suite.aead, key), iv);
}

/** Opens the client's records under `secret`. */
export function openerFor(secret: Uint8Array): (bytes: Uint8Array) => { type: number; content: Uint8Array }[] {
  const { key, iv } = trafficKeys(nobleProvider, suite, secret);
  const opener = new RecordOpener(nobleProvider.createAead(suite.aead, key), iv);
  const deframer = new RecordDeframer();
  return (bytes) => {
    deframer.push(bytes);
    const out = [];
    for (let r = deframer.next(); r !== null; r = deframer.next()) out.push(opener.open(r));
    return out;
  };
}

/** The RFC 8448 §3 client, established, its output drained, with an event log. */
export function established() {
  const conn = section3Client();
  conn.connect();
  conn.takeOutput();
  conn.receive(concat(section3ServerRecords[0]!, section3ServerRecords[1]!));
  expect(conn.connect()).toBe(1);
  conn.takeOutput();
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));
  return { conn, events };
}
