// One short-lived client in a select() loop, runtime-neutral: handshake, write a message, read
// its echo, close with close_notify. `thousand.ts` (Node) and `../deno/multiplex.ts` (Deno)
// drive many of these from one Selector.
import { SslError, type SelectionKey } from '@rxtls/core';

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
