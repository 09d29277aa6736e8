import { firstValueFrom } from 'rxjs';
import type { TlsConnection } from '../engine/connection.ts';
import { SslError } from '../engine/ssl-error.ts';
import type { ReadinessPort } from './readiness.ts';
import { nextTurn } from './timers.ts';

/**
 * Send everything the engine has queued, as one write (a whole flight goes out together),
 * including the records still being sealed asynchronously, as they finish and in order.
 */
export async function flushOutput(conn: TlsConnection, port: ReadinessPort): Promise<void> {
  for (;;) {
    if (conn.pendingOutput > 0) {
      const accepted = port.write(conn.takeOutput());
      if (!accepted) await firstValueFrom(port.writable$);
      continue;
    }
    if (conn.outputInFlight === 0) return;
    await conn.outputSettled();
  }
}

/** Wait until the transport has something and hand it to the engine. */
async function feedInput(conn: TlsConnection, port: ReadinessPort): Promise<void> {
  for (;;) {
    let chunk: Uint8Array | null | undefined;
    try {
      chunk = port.read();
    } catch (err) {
      conn.receiveError(err);
      return;
    }
    if (chunk === null) {
      conn.receiveEnd();
      return;
    }
    if (chunk !== undefined) {
      conn.receive(chunk, port.readsOwned === true);
      return;
    }
    await firstValueFrom(port.readable$);
  }
}

/** The read started by {@link readAhead} for each connection, while it runs. */
const readingAhead = new WeakMap<TlsConnection, Promise<void>>();

/**
 * While records are being decrypted asynchronously, bring in the next input (one read at a
 * time per connection, and only while the engine holds less than its pipeline's worth), so
 * the decryption pipeline does not run dry waiting for the transport.
 */
function readAhead(conn: TlsConnection, port: ReadinessPort): void {
  if (readingAhead.has(conn)) return;
  const reading = feedInput(conn, port).finally(() => readingAhead.delete(conn));
  readingAhead.set(conn, reading);
}

/**
 * The one driver loop: call `op` (connect, read, write, shutdown) on the engine, and turn
 * each WANT_* into the matching wait on the readiness port, until the call finishes.
 * Returns `op`'s final result; throws the connection's error on SSL or SYSCALL.
 *
 * Bounded work: when a call stopped at the engine's work budget (`stoppedAtBudget`), the
 * next call waits for a later turn of the event loop (a macrotask) first, and a WANT_READ
 * given for that reason is not a wait for the transport: the input is already here. So one
 * connection never holds the loop for more than one budget's worth of records, whatever its
 * peer sends; the same holds across calls (a read loop that gets data at each call).
 *
 * `onWant` observes what the engine is waiting for (for `wants$`).
 */
export async function drive<R extends number>(conn: TlsConnection, port: ReadinessPort, op: () => R, onWant?: (want: SslError) => void): Promise<R> {
  for (;;) {
    if (conn.stoppedAtBudget) await nextTurn();
    const result = op();
    const want = conn.getError();
    await flushOutput(conn, port);
    onWant?.(want);
    switch (want) {
      case SslError.NONE:
      case SslError.ZERO_RETURN:
        return result;
      case SslError.WANT_READ:
        // A shutdown() that waits for the peer's close_notify also lands here.
        if (!conn.stoppedAtBudget) await feedInput(conn, port);
        break;
      case SslError.WANT_WRITE:
        await firstValueFrom(port.writable$);
        break;
      case SslError.WANT_ASYNC:
        // Records being decrypted: read on meanwhile, so the pipeline stays full.
        if (conn.readsAheadWhileAsync) readAhead(conn, port);
        await conn.asyncReady();
        break;
      case SslError.SSL:
      case SslError.SYSCALL:
        throw conn.error;
    }
  }
}
