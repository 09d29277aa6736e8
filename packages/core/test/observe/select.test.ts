// The Selector: select()-style waiting on many connections over in-memory readiness ports.
// Connections are the RFC 8448 §3 client (deterministic), so a whole handshake can run
// through select() against the trace's server flight.
import { describe, expect, it } from 'vitest';
import { Observable, Subject, toArray, firstValueFrom, timer } from 'rxjs';
import { concat } from '../../src/bytes/util.ts';
import { Selector, readinessFor, type SelectionKey } from '../../src/observe/select.ts';
import type { ReadinessPort } from '../../src/observe/readiness.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import type { ClientConfig } from '../../src/handshake/config.ts';
import { all, section3Client, section3ServerRecords, steps } from '../handshake/trace-fixture.ts';

const serverFlight = concat(section3ServerRecords[0]!, section3ServerRecords[1]!);

/**
 * An in-memory port whose readiness the test controls, and which counts the live
 * subscriptions to readable$ and writable$ (a subscription that completed counts no more).
 */
class MemoryPort implements ReadinessPort {
  readonly written: Uint8Array[] = [];
  readableSubscribers = 0;
  writableSubscribers = 0;
  /** While true, write() takes the bytes but returns false, and writable$ waits for drain(). */
  congested = false;
  ended = false;
  failure: Error | undefined;
  private inbox: Uint8Array[] = [];
  private readonly changed = new Subject<void>();

  readonly readable$ = this.when(() => this.inbox.length > 0 || this.ended || this.failure !== undefined, 'readableSubscribers');
  readonly writable$ = this.when(() => !this.congested, 'writableSubscribers');

  read(): Uint8Array | null | undefined {
    if (this.failure) throw this.failure;
    const next = this.inbox.shift();
    if (next) return next;
    return this.ended ? null : undefined;
  }

  write(data: Uint8Array): boolean {
    this.written.push(data.slice());
    return !this.congested;
  }

  end(): void {}
  destroy(): void {}

  deliver(bytes: Uint8Array): void {
    this.inbox.push(bytes);
    this.changed.next();
  }

  finish(): void {
    this.ended = true;
    this.changed.next();
  }

  fail(err: Error): void {
    this.failure = err;
    this.changed.next();
  }

  drain(): void {
    this.congested = false;
    this.changed.next();
  }

  get liveSubscriptions(): number {
    return this.readableSubscribers + this.writableSubscribers;
  }

  private when(ready: () => boolean, counter: 'readableSubscribers' | 'writableSubscribers'): Observable<void> {
    return new Observable<void>((sub) => {
      this[counter]++;
      const check = (): void => {
        if (ready()) {
          sub.next();
          sub.complete();
        }
      };
      const changes = this.changed.subscribe(check);
      check();
      return () => {
        this[counter]--;
        changes.unsubscribe();
      };
    });
  }
}

/** A §3 client whose ClientHello is out: it wants to read. */
function started(selector: Selector<number>, n: number, extra: Partial<ClientConfig> = {}): { key: SelectionKey<number>; port: MemoryPort; conn: TlsConnection } {
  const conn = section3Client(extra);
  const port = new MemoryPort();
  const key = selector.register(conn, port, n);
  expect(conn.connect()).toBe(-1);
  selector.interest(key, conn.getError());
  return { key, port, conn };
}

/** The §3 provider with CertificateVerify's signature check held until `release()`. */
function gatedVerifyProvider(): { provider: CryptoProvider; release: () => void } {
  const random = all('3', 'client', 'construct a ClientHello', 'ClientHello')[0]!.subarray(6, 38);
  const base = createDeterministicProvider(nobleProvider, {
    random: [random],
    keyShares: { x25519: traceValue(steps, '3', 'client', 'create an ephemeral x25519 key pair', 'private key') },
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { provider: { ...base, verify: (...args) => gate.then(() => base.verify(...args)) }, release };
}

/** Run the §3 handshake through the selector: select, service, connect, interest. */
async function handshake(selector: Selector<number>, key: SelectionKey<number>): Promise<void> {
  for (;;) {
    const ready = await selector.select({ until: timer(2000) });
    expect(ready).toContain(key);
    selector.service(key);
    if (key.connection.connect() === 1) return;
    selector.interest(key, key.connection.getError());
  }
}

describe('readinessFor', () => {
  it('maps each want the way a C program fills select()\'s sets', () => {
    expect(readinessFor(SslError.WANT_READ)).toBe('readable');
    expect(readinessFor(SslError.WANT_WRITE)).toBe('writable');
    expect(readinessFor(SslError.WANT_ASYNC)).toBe('async');
    for (const none of [SslError.NONE, SslError.ZERO_RETURN, SslError.SSL, SslError.SYSCALL]) expect(readinessFor(none)).toBeUndefined();
  });
});

describe('Selector', () => {
  it('returns only the keys whose interest is satisfied', async () => {
    const selector = new Selector<number>();
    const clients = [0, 1, 2].map((n) => started(selector, n));
    for (const { key, port } of clients) {
      expect(port.written.length).toBe(1); // interest() sent the ClientHello before waiting
      expect([...key.interest]).toEqual(['readable']);
      expect(port.readableSubscribers).toBe(1);
    }
    clients[1]!.port.deliver(serverFlight);
    const ready = await selector.select();
    expect(ready).toEqual([clients[1]!.key]);
    expect([...clients[1]!.key.ready]).toEqual(['readable']);
    expect(clients[1]!.key.interest.size).toBe(0); // fired once: nothing is waited for any more
    expect(clients[1]!.port.readableSubscribers).toBe(0);
    expect(clients[0]!.port.readableSubscribers).toBe(1);
    expect(clients[2]!.port.readableSubscribers).toBe(1);
    // Nothing else is ready: a timeout ends the wait with no key.
    expect(await selector.select({ until: timer(20) })).toEqual([]);
  });

  it('returns every key that became ready before select() resumed, each once, in order', async () => {
    const selector = new Selector<number>();
    const clients = [0, 1, 2, 3].map((n) => started(selector, n));
    const pending = selector.select();
    clients[3]!.port.deliver(serverFlight);
    clients[0]!.port.deliver(serverFlight);
    clients[0]!.port.deliver(serverFlight);
    expect((await pending).map((k) => k.attachment)).toEqual([3, 0]);
  });

  it('runs a whole handshake: service() feeds the input, interest() sends each flight', async () => {
    const selector = new Selector<number>();
    const { key, port, conn } = started(selector, 0);
    // The server's flight arrives in two pieces: the first leaves the engine wanting more.
    port.deliver(serverFlight.subarray(0, 100));
    setTimeout(() => port.deliver(serverFlight.subarray(100)), 5);
    await handshake(selector, key);
    expect(conn.isEstablished).toBe(true);
    expect(conn.pendingOutput).toBeGreaterThan(0); // the client Finished, not yet flushed
    selector.interest(key, conn.getError()); // NONE: flush, wait for nothing
    expect(conn.pendingOutput).toBe(0);
    expect(port.written.length).toBe(2);
    expect(key.interest.size).toBe(0);
    expect(port.liveSubscriptions).toBe(0);
  });

  it('a readiness that already holds makes the key ready at once', async () => {
    const selector = new Selector<number>();
    const conn = section3Client();
    const port = new MemoryPort();
    port.deliver(serverFlight);
    const key = selector.register(conn, port, 0);
    conn.connect();
    selector.interest(key, conn.getError());
    expect([...key.ready]).toEqual(['readable']);
    expect(port.liveSubscriptions).toBe(0);
    expect(await selector.select()).toEqual([key]);
  });

  it('WANT_WRITE waits for writable$', async () => {
    const selector = new Selector<number>();
    const { key, port, conn } = started(selector, 0, { outgoingBufferLimit: 1024 });
    port.deliver(serverFlight);
    await handshake(selector, key);
    selector.interest(key, conn.getError());
    // Fill the engine's bounded buffer without flushing: the second write wants to write.
    port.congested = true;
    const data = new Uint8Array(3000).fill(0x61);
    expect(conn.write(data)).toBe(1024);
    expect(conn.write(data.subarray(1024))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_WRITE);
    selector.interest(key, conn.getError());
    expect([...key.interest]).toEqual(['writable']);
    expect(port.writableSubscribers).toBe(1);
    expect(port.readableSubscribers).toBe(0);
    expect(await selector.select({ until: timer(20) })).toEqual([]);
    port.drain();
    expect(await selector.select()).toEqual([key]);
    expect([...key.ready]).toEqual(['writable']);
    expect(port.liveSubscriptions).toBe(0);
    selector.service(key);
    expect(conn.write(data.subarray(1024))).toBe(1024);
  });

  it('output held back by a congested port makes the key wait for writable$ as well, and goes out when it drains', async () => {
    const selector = new Selector<number>();
    const { key, port, conn } = started(selector, 0);
    port.deliver(serverFlight);
    await handshake(selector, key);
    port.congested = true;
    selector.interest(key, conn.getError()); // the Finished goes to the port, which asks to wait
    const writes = port.written.length;
    expect(conn.write(new Uint8Array([1, 2, 3]))).toBe(3);
    expect(conn.read(new Uint8Array(16))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    selector.interest(key, conn.getError());
    expect(port.written.length).toBe(writes); // held in the engine, not pushed into a congested port
    expect(conn.pendingOutput).toBeGreaterThan(0);
    expect(new Set(key.interest)).toEqual(new Set(['readable', 'writable']));
    port.drain();
    expect(await selector.select()).toEqual([key]);
    expect([...key.ready]).toEqual(['writable']);
    selector.service(key);
    expect(conn.pendingOutput).toBe(0);
    expect(port.written.length).toBe(writes + 1);
    expect(port.liveSubscriptions).toBe(0);
  });

  it('reports readable and writable together when both hold on asking', async () => {
    const selector = new Selector<number>();
    const { key, port, conn } = started(selector, 0);
    port.deliver(serverFlight);
    await handshake(selector, key);
    port.congested = true;
    selector.interest(key, conn.getError());
    conn.write(new Uint8Array([1]));
    conn.read(new Uint8Array(16));
    port.drain();
    port.deliver(new Uint8Array([23, 3, 3, 0, 1]));
    selector.interest(key, conn.getError());
    expect(new Set(key.ready)).toEqual(new Set(['readable', 'writable']));
    expect(await selector.select()).toEqual([key]);
  });

  it('WANT_ASYNC waits for asyncReady(), not for the port', async () => {
    const selector = new Selector<number>();
    const { provider, release } = gatedVerifyProvider();
    const { key, port, conn } = started(selector, 0, { provider });
    port.deliver(serverFlight);
    expect(await selector.select()).toEqual([key]);
    selector.service(key);
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_ASYNC);
    selector.interest(key, conn.getError());
    expect([...key.interest]).toEqual(['async']);
    expect(port.liveSubscriptions).toBe(0);
    expect(await selector.select({ until: timer(20) })).toEqual([]);
    release();
    expect(await selector.select()).toEqual([key]);
    expect([...key.ready]).toEqual(['async']);
    expect(conn.connect()).toBe(1);
  });

  it('changing the interest drops the old subscription, and the old readiness no longer fires', async () => {
    const selector = new Selector<number>();
    const { key, port } = started(selector, 0);
    expect(port.readableSubscribers).toBe(1);
    port.congested = true;
    selector.interest(key, SslError.WANT_WRITE);
    expect(port.readableSubscribers).toBe(0);
    expect(port.writableSubscribers).toBe(1);
    selector.interest(key, SslError.WANT_WRITE); // the same interest again: no new subscription
    expect(port.writableSubscribers).toBe(1);
    selector.interest(key, SslError.NONE);
    expect(port.liveSubscriptions).toBe(0);
    expect(key.interest.size).toBe(0);
    port.deliver(serverFlight);
    port.drain();
    expect(await selector.select({ until: timer(20) })).toEqual([]);
  });

  it('a new interest takes a ready key off the ready list', async () => {
    const selector = new Selector<number>();
    const { key, port } = started(selector, 0);
    port.deliver(serverFlight);
    expect(key.ready.size).toBe(1);
    port.congested = true;
    selector.interest(key, SslError.WANT_WRITE);
    expect(key.ready.size).toBe(0);
    expect(await selector.select({ until: timer(20) })).toEqual([]);
  });

  it('unregister releases every subscription, drops the key from the ready list, and is idempotent', async () => {
    const selector = new Selector<number>();
    const a = started(selector, 0);
    const b = started(selector, 1);
    const c = started(selector, 2);
    b.port.congested = true;
    b.key.connection.write(new Uint8Array(0)); // still handshaking: wants to read
    selector.interest(b.key, SslError.WANT_READ);
    c.port.deliver(serverFlight); // c is ready but not collected yet
    selector.unregister(a.key);
    selector.unregister(b.key);
    selector.unregister(c.key);
    selector.unregister(c.key);
    for (const { key, port } of [a, b, c]) {
      expect(port.liveSubscriptions).toBe(0);
      expect(key.registered).toBe(false);
      expect(key.interest.size).toBe(0);
    }
    expect(selector.size).toBe(0);
    a.port.deliver(serverFlight);
    expect(await selector.select()).toEqual([]);
    expect(() => selector.interest(a.key, SslError.WANT_READ)).toThrow(UsageError);
    expect(() => selector.service(a.key)).toThrow(UsageError);
  });

  it('a callback of a released async subscription is ignored', async () => {
    const selector = new Selector<number>();
    const { provider, release } = gatedVerifyProvider();
    const { key, port, conn } = started(selector, 0, { provider });
    port.deliver(serverFlight);
    await selector.select();
    selector.service(key);
    conn.connect();
    selector.interest(key, SslError.WANT_ASYNC);
    selector.interest(key, SslError.NONE);
    release();
    await conn.asyncReady();
    expect(key.ready.size).toBe(0);
    expect(await selector.select({ until: timer(10) })).toEqual([]);
  });

  it('service() hands end of stream and transport failures to the connection', async () => {
    const selector = new Selector<number>();
    const ended = started(selector, 0);
    ended.port.finish();
    const failed = started(selector, 1);
    failed.port.fail(new Error('connection reset'));
    const ready = await selector.select();
    expect(ready.map((k) => k.attachment)).toEqual([0, 1]);
    for (const k of ready) selector.service(k);
    expect(ended.conn.connect()).toBe(-1);
    expect(ended.conn.getError()).toBe(SslError.SYSCALL);
    expect(ended.conn.error?.message).toMatch(/closed during the handshake/);
    expect(failed.conn.connect()).toBe(-1);
    expect(failed.conn.getError()).toBe(SslError.SYSCALL);
    expect(failed.conn.error?.message).toMatch(/connection reset/);
  });

  it('ready$ emits each ready key with its state already updated, and completes on close()', async () => {
    const selector = new Selector<number>();
    const seen: string[] = [];
    const all$ = firstValueFrom(selector.ready$.pipe(toArray()));
    selector.ready$.subscribe((k) => seen.push(`${k.attachment}:${[...k.ready].join()}:${k.interest.size}`));
    const clients = [0, 1].map((n) => started(selector, n));
    clients[1]!.port.deliver(serverFlight);
    clients[0]!.port.deliver(serverFlight);
    expect(seen).toEqual(['1:readable:0', '0:readable:0']);
    selector.close();
    expect((await all$).map((k) => k.attachment)).toEqual([1, 0]);
    for (const { port, key } of clients) {
      expect(port.liveSubscriptions).toBe(0);
      expect(key.registered).toBe(false);
    }
    expect(() => selector.register(section3Client(), new MemoryPort(), 9)).toThrow(UsageError);
  });

  describe('select() rules', () => {
    it('resolves at once with [] when nothing is registered', async () => {
      expect(await new Selector().select()).toEqual([]);
    });

    it('rejects when keys are registered but none waits for anything (it could only wait forever)', async () => {
      const selector = new Selector<number>();
      selector.register(section3Client(), new MemoryPort(), 0);
      await expect(selector.select()).rejects.toThrow(UsageError);
      // With a timeout it is a plain wait.
      const t0 = Date.now();
      expect(await selector.select({ until: timer(30) })).toEqual([]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    });

    it('allows one pending select() at a time', async () => {
      const selector = new Selector<number>();
      const { port } = started(selector, 0);
      const first = selector.select();
      await expect(selector.select()).rejects.toThrow(/already pending/);
      port.deliver(serverFlight);
      expect((await first).length).toBe(1);
    });

    it('works without attachments (Selector<void>)', async () => {
      const selector = new Selector();
      const port = new MemoryPort();
      const key = selector.register(section3Client(), port);
      key.connection.connect();
      selector.interest(key, key.connection.getError());
      port.deliver(serverFlight);
      expect(await selector.select()).toEqual([key]);
      expect(key.attachment).toBeUndefined();
    });

    it('resolves with [] when the last key is unregistered while it waits', async () => {
      const selector = new Selector<number>();
      const { key } = started(selector, 0);
      const pending = selector.select();
      selector.unregister(key);
      expect(await pending).toEqual([]);
    });
  });
});
