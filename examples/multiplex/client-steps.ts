// One short-lived client in a select() loop, runtime-neutral: handshake, write a message, read
// its echo, close with close_notify. `thousand.ts` (Node) and `../deno/multiplex.ts` (Deno)
// drive many of these from one Selector.
import { timer } from 'rxjs';
import { SslError, type SelectionKey, type Selector, type TlsConnection } from '@rxtls/core';

/** Where a client is in its short life: the call it makes next. */
export type Phase = 'handshake' | 'write' | 'read' | 'shutdown';

/** A client's own state: the Selector key's attachment. */
export interface Client {
  readonly id: number;
  phase: Phase;
  readonly message: Uint8Array;
  written: number;
  readonly echo: Uint8Array;
  received: number;
  readonly startedAt: number;
  handshakeMs: number;
}

/** How a step ended: the connection is finished, or the engine says what it waits for. */
export type Outcome = { done: true } | { done: false; want: SslError };

/** A fresh client that will send `hello from client <id>`. */
export function newClient(id: number): Client {
  const message = new TextEncoder().encode(`hello from client ${id}\n`);
  return { id, phase: 'handshake', message, written: 0, echo: new Uint8Array(message.length), received: 0, startedAt: performance.now(), handshakeMs: 0 };
}

/**
 * Make the client's next call on its connection, and as many after it as can go on without
 * waiting: connect → write → read → shutdown. Returns when the engine wants something or the
 * client is done. ZERO_RETURN, SSL and SYSCALL come back as the want: the caller fails them.
 */
export function step(key: SelectionKey<Client>): Outcome {
  const c = key.attachment;
  const conn = key.connection;
  for (;;) {
    switch (c.phase) {
      case 'handshake': {
        const r = conn.connect();
        if (r !== 1) return { done: false, want: r === 0 ? SslError.ZERO_RETURN : conn.getError() };
        c.handshakeMs = performance.now() - c.startedAt;
        c.phase = 'write';
        break;
      }
      case 'write': {
        const n = conn.write(c.message.subarray(c.written));
        if (n < 0) return { done: false, want: conn.getError() };
        c.written += n;
        if (c.written === c.message.length) c.phase = 'read';
        break;
      }
      case 'read': {
        const n = conn.read(c.echo.subarray(c.received));
        if (n <= 0) return { done: false, want: conn.getError() };
        c.received += n;
        if (c.received === c.echo.length) c.phase = 'shutdown';
        break;
      }
      case 'shutdown': {
        // 0 while the server's close_notify has not come back: WANT_READ.
        if (conn.shutdown() === 1) return { done: true };
        return { done: false, want: conn.getError() };
      }
    }
  }
}

export function isWait(want: SslError): boolean {
  return want === SslError.WANT_READ || want === SslError.WANT_WRITE || want === SslError.WANT_ASYNC;
}

/** What the clients came to: successes (with their handshake times) and failures by reason. */
export interface Tally {
  succeeded: number;
  readonly handshakeTimes: number[];
  readonly failures: Map<string, number>;
}

/**
 * `advance(key)`: make the client's next calls, then finish it (counted in `tally`) or tell the
 * selector what it waits for. `describe` names a connection's failure (an errno where the
 * runtime has one).
 */
export function clientDriver(selector: Selector<Client>, describe: (conn: TlsConnection) => string | undefined = () => undefined): { advance: (key: SelectionKey<Client>) => void; tally: Tally } {
  const tally: Tally = { succeeded: 0, handshakeTimes: [], failures: new Map() };

  const finish = (key: SelectionKey<Client>, failure?: string): void => {
    selector.service(key); // a last flush: a close_notify or an alert still queued
    selector.unregister(key);
    if (failure === undefined) {
      key.port.end();
      tally.succeeded++;
      tally.handshakeTimes.push(key.attachment.handshakeMs);
    } else {
      key.port.destroy();
      tally.failures.set(failure, (tally.failures.get(failure) ?? 0) + 1);
    }
  };

  const advance = (key: SelectionKey<Client>): void => {
    const outcome = step(key);
    if (outcome.done) {
      const c = key.attachment;
      finish(key, c.echo.every((b, i) => b === c.message[i]) ? undefined : 'echo differs from the message sent');
    } else if (isWait(outcome.want)) {
      selector.interest(key, outcome.want);
    } else {
      const conn = key.connection;
      const what = outcome.want === SslError.ZERO_RETURN ? 'the server sent close_notify' : describe(conn) ?? conn.error?.message ?? outcome.want;
      finish(key, `${what} (in ${key.attachment.phase})`);
    }
  };

  return { advance, tally };
}

/** How the select() loop went. `stalled`: clients left when no connection made progress for `stallMs`. */
export interface LoopStats {
  selectCalls: number;
  selectedKeys: number;
  maxBatch: number;
  stalled: number;
}

/** The select() loop: wait for any connection to be ready, move its bytes, make its next call. */
export async function runSelectLoop(selector: Selector<Client>, advance: (key: SelectionKey<Client>) => void, stallMs: number): Promise<LoopStats> {
  const stats: LoopStats = { selectCalls: 0, selectedKeys: 0, maxBatch: 0, stalled: 0 };
  while (selector.size > 0) {
    const ready = await selector.select({ until: timer(stallMs) });
    if (ready.length === 0) {
      stats.stalled = selector.size;
      break;
    }
    stats.selectCalls++;
    stats.selectedKeys += ready.length;
    stats.maxBatch = Math.max(stats.maxBatch, ready.length);
    for (const key of ready) {
      selector.service(key);
      advance(key);
    }
  }
  return stats;
}
