// The OpenSSL-style contract of TlsConnection, on a connection established by replaying
// RFC 8448 §3 (so no server is needed): return values, getError(), the bounded outgoing
// buffer, partial writes, close and truncation.
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { RecordOpener } from '../../src/record/protection.ts';
import { RecordDeframer } from '../../src/record/deframer.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TransportError } from '../../src/engine/transport-error.ts';
import { UsageError, TlsError } from '../../src/errors/tls-error.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import type { ClientConfig } from '../../src/handshake/config.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { section3Client, section3ServerRecords, steps } from '../handshake/trace-fixture.ts';

function established(extra: Partial<ClientConfig> = {}): TlsConnection {
  const conn = section3Client(extra);
  expect(conn.connect()).toBe(-1);
  expect(conn.getError()).toBe(SslError.WANT_READ);
  conn.takeOutput();
  conn.receive(concat(section3ServerRecords[0]!, section3ServerRecords[1]!));
  expect(conn.connect()).toBe(1);
  expect(conn.getError()).toBe(SslError.NONE);
  conn.takeOutput();
  return conn;
}

/** Decrypt what the client sent with the trace's client application key (the test plays the server). */
function serverView(): (bytes: Uint8Array) => { type: number; content: Uint8Array }[] {
  const opener = new RecordOpener(
    nobleProvider.createAead('AES-128-GCM', traceValue(steps, '3', 'client', 'derive write traffic keys for application data', 'key expanded')),
    traceValue(steps, '3', 'client', 'derive write traffic keys for application data', 'iv expanded'),
  );
  const deframer = new RecordDeframer();
  return (bytes) => {
    const out: { type: number; content: Uint8Array }[] = [];
    deframer.push(bytes);
    for (let r = deframer.next(); r !== null; r = deframer.next()) out.push(opener.open(r));
    return out;
  };
}

describe('TlsConnection: the OpenSSL contract', () => {
  it('connect() is idempotent once established', () => {
    const conn = established();
    expect(conn.connect()).toBe(1);
    expect(conn.getError()).toBe(SslError.NONE);
    expect(conn.takeOutput().length).toBe(0);
  });

  it('read() with nothing buffered is -1 WANT_READ', () => {
    const conn = established();
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
  });

  it('write() takes everything while there is room, in records of at most 2^14 bytes', () => {
    const conn = established();
    const view = serverView();
    const data = new Uint8Array(40_000).map((_, i) => i & 0xff);
    expect(conn.write(data)).toBe(40_000);
    const records = view(conn.takeOutput());
    expect(records.map((r) => r.content.length)).toEqual([16384, 16384, 7232]);
    expect(records.every((r) => r.type === ContentType.application_data)).toBe(true);
    expect(concat(...records.map((r) => r.content))).toEqual(data);
  });

  it('the outgoing buffer is bounded: partial writes, then WANT_WRITE until output is taken', () => {
    const conn = established({ outgoingBufferLimit: 4096 });
    const view = serverView();
    const data = new Uint8Array(10_000).fill(7);
    const first = conn.write(data);
    expect(first).toBe(4096);
    expect(conn.write(data.subarray(first))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_WRITE);
    expect(conn.pendingOutput).toBeGreaterThanOrEqual(4096);
    const sent = [view(conn.takeOutput())];
    let offset = first;
    while (offset < data.length) {
      const n = conn.write(data.subarray(offset));
      expect(n).toBeGreaterThan(0);
      offset += n;
      sent.push(view(conn.takeOutput()));
    }
    const delivered = concat(...sent.flat().map((r) => r.content));
    expect(delivered).toEqual(data); // nothing lost, nothing duplicated
  });

  it('shutdown() sends close_notify (0), then 1 once the peer\'s arrives; read() then returns 0 ZERO_RETURN', () => {
    const conn = established();
    const view = serverView();
    expect(conn.shutdown()).toBe(0);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    const [alert] = view(conn.takeOutput());
    expect(alert?.type).toBe(ContentType.alert);
    expect([...alert!.content]).toEqual([1, 0]);
    expect(() => conn.write(new Uint8Array(1))).toThrow(UsageError);
    // The trace's server records in order (its alert is sealed under sequence number 2).
    conn.receive(section3ServerRecords[2]!);
    conn.receive(traceValue(steps, '3', 'server', 'send application_data record', 'complete record'));
    conn.receive(traceValue(steps, '3', 'server', 'send alert record', 'complete record'));
    expect(conn.shutdown()).toBe(1);
    // Data that arrived before the close_notify is still readable, then the clean end.
    expect(conn.read(new Uint8Array(100))).toBe(50);
    expect(conn.read(new Uint8Array(1))).toBe(0);
    expect(conn.getError()).toBe(SslError.ZERO_RETURN);
  });

  it('end of stream without close_notify is SYSCALL with a TransportError (truncation), never a clean end', () => {
    const conn = established();
    conn.receiveEnd();
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.SYSCALL);
    expect(conn.error).toBeInstanceOf(TransportError);
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.SYSCALL);
  });

  it('a transport error is SYSCALL', () => {
    const conn = established();
    conn.receiveError(new Error('ECONNRESET'));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.SYSCALL);
    expect(conn.error?.message).toContain('ECONNRESET');
  });

  it('keyUpdate() sends KeyUpdate and switches to the next write key', () => {
    const conn = established();
    const view = serverView();
    conn.keyUpdate(true);
    const [ku] = view(conn.takeOutput());
    expect(ku?.type).toBe(ContentType.handshake);
    expect([...ku!.content]).toEqual([24, 0, 0, 1, 1]);
    expect(conn.write(new Uint8Array([1, 2, 3]))).toBe(3);
    // The old key cannot open the record any more.
    expect(() => view(conn.takeOutput())).toThrow(TlsError);
  });

  it('keyUpdate() before the handshake is a UsageError', () => {
    const conn = section3Client();
    expect(() => conn.keyUpdate()).toThrow(UsageError);
  });

  it('write() before the handshake runs the handshake first (-1 WANT_READ)', () => {
    const conn = section3Client();
    expect(conn.write(new Uint8Array([1]))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(conn.takeOutput().length).toBeGreaterThan(0); // the ClientHello
  });
});
