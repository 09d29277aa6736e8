import { firstValueFrom } from 'rxjs';
import type { TlsConnection } from '../engine/connection.ts';
import { SslError } from '../engine/ssl-error.ts';
import type { ReadinessPort } from './readiness.ts';
import { nextTurn } from './timers.ts';

/**
 * Send everything the engine has queued, as one write (a whole flight goes out together),
 * including the records still being sealed asynchronously, as they finish and in order.
 *
 * With `waitForPort` false it only hands over what the port takes now: one write, more while
 * the port is not congested, and no waiting for records still being sealed. The port keeps
 * what it was given; the rest stays in the engine for the next flush.
 */
export async function flushOutput(conn: TlsConnection, port: ReadinessPort, waitForPort = true): Promise<void> {
  for (;;) {
    if (conn.pendingOutput > 0) {
      const accepted = port.write(conn.takeOutput());
      if (!accepted) {
        if (!waitForPort) return;
        await firstValueFrom(port.writable$);
      }
      continue;
    }
    if (conn.outputInFlight === 0 || !waitForPort) return;
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

/** The wait for input in progress for each connection (there is at most one). */
const feeding = new WeakMap<TlsConnection, Promise<void>>();

/**
 * The next input for `conn`: the wait already in progress, or a new one. Several driver loops
 * on one connection (a reader and a writer) and the read-ahead share it, so one read of the
 * transport is outstanding at a time and its bytes go to the engine once.
 */
function input(conn: TlsConnection, port: ReadinessPort): Promise<void> {
  let wait = feeding.get(conn);
  if (wait === undefined) {
    wait = feedInput(conn, port).finally(() => feeding.delete(conn));
    feeding.set(conn, wait);
  }
  return wait;
}

/** Options of {@link drive}. */
export interface DriveOptions {
  /**
   * Wait for the port to take all output (and for records being sealed) after each call:
   * true (the default) for calls that produce data (write, shutdown), whose callers expect
   * backpressure. A reader passes false: it hands over what the port takes and goes on, so
   * two peers that both write before they read cannot block each other's reads.
   */
  readonly waitForPort?: boolean;
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
 * While records are being decrypted asynchronously (WANT_ASYNC with `readsAheadWhileAsync`),
 * the next input is read meanwhile, so the decryption pipeline does not run dry.
 *
 * `onWant` observes what the engine is waiting for (for `wants$`).
 */
export async function drive<R extends number>(conn: TlsConnection, port: ReadinessPort, op: () => R, onWant?: (want: SslError) => void, options: DriveOptions = {}): Promise<R> {
  const waitForPort = options.waitForPort ?? true;
  for (;;) {
    if (conn.stoppedAtBudget) await nextTurn();
    const result = op();
    const want = conn.getError();
    await flushOutput(conn, port, waitForPort);
    onWant?.(want);
    switch (want) {
      case SslError.NONE:
      case SslError.ZERO_RETURN:
        return result;
      case SslError.WANT_READ:
        // A shutdown() that waits for the peer's close_notify also lands here. Output the port
        // did not take yet goes out as soon as it can: wait for that too.
        if (conn.stoppedAtBudget) break;
        if (conn.pendingOutput > 0) await Promise.race([input(conn, port), firstValueFrom(port.writable$)]);
        else await input(conn, port);
        break;
      case SslError.WANT_WRITE:
        await firstValueFrom(port.writable$);
        break;
      case SslError.WANT_ASYNC:
        if (conn.readsAheadWhileAsync) void input(conn, port);
        await conn.asyncReady();
        break;
      case SslError.SSL:
      case SslError.SYSCALL:
        throw conn.error;
    }
  }
}
