// TlsSession and the driver over a scripted readiness port: the RFC 8448 §3 server answers
// the client's first write. Checks the observables' contract and one write per flight.
import { describe, expect, it } from 'vitest';
import { Observable, Subject, firstValueFrom, toArray } from 'rxjs';
import { concat, toHex } from '../../src/bytes/util.ts';
import { TlsSession } from '../../src/observe/session.ts';
import type { ReadinessPort } from '../../src/observe/readiness.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import type { HandshakeEvent, MessageEvent } from '../../src/handshake/events.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { section3Client, section3ServerRecords, steps } from '../handshake/trace-fixture.ts';

/** A port whose peer answers each write with the next scripted bytes. */
class ScriptedPort implements ReadinessPort {
  readonly writes: Uint8Array[] = [];
  private inbox: Uint8Array[] = [];
  private ended = false;
  private readonly wake = new Subject<void>();
  readonly readable$ = new Observable<void>((sub) => {
    if (this.inbox.length > 0 || this.ended) {
      sub.next();
      sub.complete();
      return undefined;
    }
    const s = this.wake.subscribe(() => {
      sub.next();
      sub.complete();
    });
    return () => s.unsubscribe();
  });
  readonly writable$ = new Observable<void>((sub) => {
    sub.next();
    sub.complete();
  });

  constructor(private readonly replies: (Uint8Array | 'end')[]) {}

  read(): Uint8Array | null | undefined {
    const next = this.inbox.shift();
    if (next) return next;
    return this.ended ? null : undefined;
  }

  write(data: Uint8Array): boolean {
    this.writes.push(data.slice());
    const reply = this.replies.shift();
    if (reply !== undefined) {
      setTimeout(() => {
        if (reply === 'end') this.ended = true;
        else this.inbox.push(reply);
        this.wake.next();
      }, 1);
    }
    return true;
  }

  deliver(bytes: Uint8Array | 'end'): void {
    if (bytes === 'end') this.ended = true;
    else this.inbox.push(bytes);
    this.wake.next();
  }

  end(): void {}
  destroy(): void {
    this.ended = true;
    this.wake.next();
  }
}

const serverFlight = concat(section3ServerRecords[0]!, section3ServerRecords[1]!);

describe('TlsSession over a readiness port', () => {
  it('keeps no key log unless keylog$ is subscribed', async () => {
    const port = new ScriptedPort([serverFlight]);
    const conn = section3Client();
    conn.keylogEnabled = false;
    const session = new TlsSession(conn, port);
    await session.handshake();
    const late: string[] = [];
    session.keylog$.subscribe((l) => late.push(l));
    expect(late).toEqual([]);
  });

  it('sends each flight in one write and completes handshake$ with the whole timeline', async () => {
    const port = new ScriptedPort([serverFlight]);
    const session = new TlsSession(section3Client(), port);
    const wants: string[] = [];
    session.wants$.subscribe((w) => wants.push(w));
    const params = await session.handshake();
    expect(params.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    // Flight 1: ClientHello. Flight 2: Finished. One write each.
    expect(port.writes.length).toBe(2);
    expect(toHex(port.writes[1]!)).toBe(toHex(traceValue(steps, '3', 'client', 'send handshake record', 'complete record', 1)));
    expect(wants).toContain(SslError.WANT_READ);
    expect(wants.at(-1)).toBe(SslError.NONE);

    // A late subscriber still sees every step, then completion.
    const timeline = await firstValueFrom(session.handshake$.pipe(toArray()));
    expect(timeline.map((e: HandshakeEvent) => e.type)).toEqual([
      'client-hello-sent',
      'server-hello',
      'encrypted-extensions',
      'certificate',
      'certificate-verified',
      'server-finished',
      'client-finished-sent',
      'established',
    ]);
    for (let i = 1; i < timeline.length; i++) expect(timeline[i]!.at).toBeGreaterThanOrEqual(timeline[i - 1]!.at);
  });

  it('messages$ shows records and handshake messages in both directions', async () => {
    const port = new ScriptedPort([serverFlight]);
    const session = new TlsSession(section3Client(), port);
    const messages: MessageEvent[] = [];
    session.messages$.subscribe((m) => messages.push(m));
    await session.handshake();
    const handshakes = messages.filter((m) => m.kind === 'handshake').map((m) => `${m.direction} ${m.kind === 'handshake' ? m.messageType : ''}`);
    expect(handshakes).toEqual([
      'sent client_hello',
      'received server_hello',
      'received encrypted_extensions',
      'received certificate',
      'received certificate_verify',
      'received finished',
      'sent finished',
    ]);
    expect(messages.some((m) => m.kind === 'record' && m.direction === 'received' && m.encrypted)).toBe(true);
  });

  it('reads data, then null at close_notify; the keylog has the five NSS lines', async () => {
    const port = new ScriptedPort([serverFlight]);
    const conn = section3Client();
    conn.keylogEnabled = false;
    const session = new TlsSession(conn, port);
    const lines: string[] = [];
    session.keylog$.subscribe((l) => lines.push(l)); // turns the key log on
    await session.handshake();
    port.deliver(concat(section3ServerRecords[2]!, traceValue(steps, '3', 'server', 'send application_data record', 'complete record')));
    const data = await session.read();
    expect(toHex(data!)).toBe(toHex(traceValue(steps, '3', 'server', 'send application_data record', 'payload')));
    port.deliver(traceValue(steps, '3', 'server', 'send alert record', 'complete record'));
    expect(await session.read()).toBeNull();
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET']);
    const ticket = await firstValueFrom(session.tickets$);
    expect(ticket.lifetimeSeconds).toBe(30);
  });

  it('a truncated stream rejects read() with SYSCALL\'s TransportError, never null', async () => {
    const port = new ScriptedPort([serverFlight]);
    const session = new TlsSession(section3Client(), port);
    await session.handshake();
    port.deliver('end');
    await expect(session.read()).rejects.toThrow(/without close_notify/);
  });

  it('handshake$ errors with the typed error when the handshake fails', async () => {
    const bad = serverFlight.slice();
    bad[section3ServerRecords[0]!.length + 30]! ^= 1;
    const port = new ScriptedPort([bad]);
    const session = new TlsSession(section3Client(), port);
    const seen: unknown[] = [];
    session.handshake$.subscribe({ error: (e) => seen.push(e) });
    await expect(session.handshake()).rejects.toBeInstanceOf(TlsError);
    expect((seen[0] as TlsError).alertName).toBe('bad_record_mac');
    // Our alert went out after ServerHello: a record sealed under the handshake keys.
    expect(port.writes.at(-1)![0]).toBe(23);
    expect(port.writes.at(-1)!.length).toBe(5 + 2 + 1 + 16);
  });
});
