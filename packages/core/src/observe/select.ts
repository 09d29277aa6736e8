import { Subject, from, type Observable, type Subscription } from 'rxjs';
import type { TlsConnection } from '../engine/connection.ts';
import { SslError } from '../engine/ssl-error.ts';
import { UsageError } from '../errors/tls-error.ts';
import type { ReadinessPort } from './readiness.ts';
import { nextTurn } from './timers.ts';

/**
 * What a key can wait for: poll()'s `POLLIN` (`readable`) and `POLLOUT` (`writable`), plus
 * the engine's asynchronous job (`async`, OpenSSL's `SSL_ERROR_WANT_ASYNC`).
 */
export type Readiness = 'readable' | 'writable' | 'async';

/**
 * The readiness a want waits for, the way a C program sorts its descriptors into select()'s
 * sets: WANT_READ → `readable`, WANT_WRITE → `writable`, WANT_ASYNC → `async`. NONE and the
 * final codes (ZERO_RETURN, SSL, SYSCALL) wait for nothing: `undefined`.
 */
export function readinessFor(want: SslError): Readiness | undefined {
  switch (want) {
    case SslError.WANT_READ:
      return 'readable';
    case SslError.WANT_WRITE:
      return 'writable';
    case SslError.WANT_ASYNC:
      return 'async';
    default:
      return undefined;
  }
}

/**
 * One connection registered with a {@link Selector} (Java NIO's `SelectionKey`, a `pollfd`):
 * the connection, its transport, the caller's own state, and what it waits for.
 */
export interface SelectionKey<T = void> {
  /** The engine. */
  readonly connection: TlsConnection;
  /** Its transport. */
  readonly port: ReadinessPort;
  /** The caller's per-connection state (what it was doing: handshake, write, read, shutdown). */
  attachment: T;
  /** What the key waits for now. Empty when it waits for nothing, and once it has become ready. */
  readonly interest: ReadonlySet<Readiness>;
  /** What was ready when the key fired (poll()'s `revents`). Cleared by the next `interest()`. */
  readonly ready: ReadonlySet<Readiness>;
  /** False after `unregister()` or `close()`. */
  readonly registered: boolean;
}

/** Options for {@link Selector.select}. */
export interface SelectOptions {
  /**
   * Give up when this emits and resolve with an empty array (select()'s timeout), e.g.
   * rxjs `timer(100)`: core keeps no timers of its own. Without it, select() waits until a
   * key is ready.
   */
  readonly until?: Observable<unknown>;
}

/** At most this many bytes are taken from a port by one `service()`; the rest stays there (readable$ fires again at once). */
const FEED_LIMIT = 256 * 1024;

/** The Selector's own record of a key. Never handed out as anything but a {@link SelectionKey}. */
class Key<T> implements SelectionKey<T> {
  readonly interest = new Set<Readiness>();
  readonly ready = new Set<Readiness>();
  registered = true;
  /** The port returned false from write() and writable$ has not fired since: hold output back. */
  congested = false;
  /** Bumped whenever the interest is replaced or satisfied: late callbacks of older subscriptions are ignored. */
  generation = 0;
  readonly subscriptions: Subscription[] = [];

  constructor(
    readonly connection: TlsConnection,
    readonly port: ReadinessPort,
    public attachment: T,
  ) {}
}

/**
 * Waits on the readiness of many TLS connections at once, the way `select()`/`poll()` wait on
 * many descriptors. It is the select()-style face of the same driver as `drive()`: after each
 * call on a connection (`connect`, `read`, `write`, `shutdown`) say what it wants with
 * {@link interest}; {@link select} resolves with every key whose wait is satisfied; move the
 * bytes with {@link service} and make the call again.
 *
 * ```ts
 * const selector = new Selector<Job>();
 * const key = selector.register(connection, port, job);
 * connection.connect();
 * selector.interest(key, connection.getError());     // the ClientHello goes out, the key waits for readable
 * while (selector.size > 0) {
 *   for (const k of await selector.select()) {
 *     selector.service(k);                            // input → engine, held output → port
 *     const want = step(k);                           // the caller's connect/read/write/shutdown
 *     if (done) selector.unregister(k); else selector.interest(k, want);
 *   }
 * }
 * ```
 *
 * Each key fires once per interest: when it becomes ready, its subscriptions are released and
 * it waits for nothing until `interest()` is called again. A key holds readiness subscriptions
 * only for its current interest; changing the interest, `unregister()` and `close()` release
 * them. The Selector never closes a port: the caller ends or destroys it.
 */
export class Selector<T = void> {
  private readonly keys = new Set<Key<T>>();
  /** Keys that became ready since the last select(), in the order they did. */
  private readonly readyKeys = new Set<Key<T>>();
  private readonly readySubject = new Subject<SelectionKey<T>>();
  private wake: (() => void) | undefined;
  private closed = false;

  /**
   * Each key as it becomes ready, after its state (`ready`, `interest`) is updated: for
   * reactive callers. Keys seen here are also returned by the next select(). Completes on `close()`.
   */
  readonly ready$: Observable<SelectionKey<T>> = this.readySubject.asObservable();

  /** How many keys are registered. */
  get size(): number {
    return this.keys.size;
  }

  /** Add a connection and its transport. The key waits for nothing until `interest()` is called. */
  register(connection: TlsConnection, port: ReadinessPort, attachment: T): SelectionKey<T> {
    if (this.closed) throw new UsageError('register() on a closed Selector');
    const key = new Key(connection, port, attachment);
    this.keys.add(key);
    return key;
  }

  /**
   * Say what the key's connection wants after the last call on it, normally
   * `connection.getError()` (see {@link readinessFor}); NONE and the final codes wait for nothing.
   *
   * First the connection's pending output is sent (a flight must be on the wire before its
   * answer is awaited), unless the port is congested: then the output stays in the engine and
   * the key also waits for `writable`. The previous interest is replaced, its subscriptions
   * released, and the key leaves the ready list. A readiness that holds already fires at once
   * (the port's observables emit on subscription), so nothing is lost by asking again.
   */
  interest(key: SelectionKey<T>, want: SslError): void {
    const k = this.own(key, 'interest');
    this.flush(k);
    const wanted = new Set<Readiness>();
    const r = readinessFor(want);
    if (r !== undefined) wanted.add(r);
    if (k.congested && k.connection.pendingOutput > 0) wanted.add('writable');
    // Records still being sealed asynchronously: the key comes back when one is done, to send it.
    if (k.connection.outputInFlight > 0) wanted.add('async');
    if (sameSet(wanted, k.interest) && k.ready.size === 0) return; // already subscribed to exactly this

    this.release(k);
    this.readyKeys.delete(k);
    k.ready.clear();
    const generation = k.generation;
    let subscribing = true;
    for (const readiness of wanted) {
      k.interest.add(readiness);
      const sub = this.source(k, readiness).subscribe(() => {
        if (k.generation !== generation) return;
        k.ready.add(readiness);
        // Fired during subscription: collect every readiness that holds now, settle below.
        if (!subscribing) this.settle(k);
      });
      if (k.generation !== generation) sub.unsubscribe();
      else k.subscriptions.push(sub);
    }
    subscribing = false;
    if (k.ready.size > 0) this.settle(k);
  }

  /**
   * Move bytes for a key without waiting: send the connection's pending output to the port
   * (unless the port asked to wait for `writable`), then hand the port's available input to
   * the connection (`receive`, `receiveEnd` at end of stream, `receiveError` when the port
   * throws), at most 256 KiB per call. Call it on each ready key before retrying its call.
   */
  service(key: SelectionKey<T>): void {
    const k = this.own(key, 'service');
    this.flush(k);
    let fed = 0;
    while (fed < FEED_LIMIT) {
      let chunk: Uint8Array | null | undefined;
      try {
        chunk = k.port.read();
      } catch (err) {
        k.connection.receiveError(err);
        return;
      }
      if (chunk === undefined) return;
      if (chunk === null) {
        k.connection.receiveEnd();
        return;
      }
      k.connection.receive(chunk, k.port.readsOwned === true);
      fed += chunk.length;
    }
  }

  /**
   * Wait until at least one key is ready and resolve with every key ready by then (each once,
   * in the order they became ready); the ready list is emptied.
   *
   * Rules: with nothing registered, it resolves at once with `[]` (a `while (selector.size > 0)`
   * loop ends). With keys registered but none ready and none waiting for anything, it rejects
   * with a UsageError unless `until` is given, since it could only wait forever. When
   * `until` emits it resolves with `[]`. If the last key is unregistered while it waits, it
   * resolves with `[]`. Only one select() may be pending at a time (one loop per Selector).
   */
  async select(options: SelectOptions = {}): Promise<SelectionKey<T>[]> {
    if (this.wake !== undefined) throw new UsageError('select() is already pending on this Selector');
    if (this.readyKeys.size === 0 && this.keys.size > 0) {
      const until = options.until;
      if (until === undefined && !this.anyInterest()) {
        throw new UsageError('select() would wait forever: no registered key has an interest');
      }
      await new Promise<void>((resolve) => {
        const timeout = until?.subscribe(() => this.wake?.());
        this.wake = () => {
          this.wake = undefined;
          timeout?.unsubscribe();
          resolve();
        };
      });
    }
    // Resumed a microtask after the first key fired: keys that fired meanwhile come along.
    const ready = [...this.readyKeys];
    this.readyKeys.clear();
    return ready;
  }

  /**
   * Remove a key: release its subscriptions and drop it from the ready list. The connection
   * and the port are left as they are. Unregistering a key twice does nothing.
   */
  unregister(key: SelectionKey<T>): void {
    const k = key as Key<T>;
    if (!this.keys.has(k)) return;
    this.release(k);
    k.ready.clear();
    k.registered = false;
    this.keys.delete(k);
    this.readyKeys.delete(k);
    if (this.keys.size === 0) this.wake?.();
  }

  /** Unregister every key and complete `ready$`. A pending select() resolves with `[]`. */
  close(): void {
    for (const k of [...this.keys]) this.unregister(k);
    this.closed = true;
    this.wake?.();
    this.readySubject.complete();
  }

  // ------------------------------------------------------------------ internals

  private own(key: SelectionKey<T>, what: string): Key<T> {
    const k = key as Key<T>;
    if (!this.keys.has(k)) throw new UsageError(`${what}() on a key that is not registered with this Selector`);
    return k;
  }

  /**
   * The observable behind one readiness. A promise cannot be cancelled: unsubscribing only stops
   * listening. A connection that stopped at its work budget has its input already: it is
   * `readable` again on the next turn of the event loop, after the other connections.
   */
  private source(k: Key<T>, readiness: Readiness): Observable<unknown> {
    switch (readiness) {
      case 'readable':
        return k.connection.stoppedAtBudget ? from(nextTurn()) : k.port.readable$;
      case 'writable':
        return k.port.writable$;
      case 'async':
        return from(k.connection.asyncReady());
    }
  }

  /** The key's interest is satisfied: release its subscriptions, queue it, tell ready$ and a waiting select(). */
  private settle(k: Key<T>): void {
    this.release(k);
    if (k.ready.has('writable')) k.congested = false;
    this.readyKeys.add(k);
    this.readySubject.next(k);
    this.wake?.();
  }

  /** Drop every subscription of the key; callbacks already in flight are ignored (generation). */
  private release(k: Key<T>): void {
    k.generation++;
    for (const sub of k.subscriptions.splice(0)) sub.unsubscribe();
    k.interest.clear();
  }

  /** Send pending output until the port asks to wait. */
  private flush(k: Key<T>): void {
    while (!k.congested && k.connection.pendingOutput > 0) {
      if (!k.port.write(k.connection.takeOutput())) k.congested = true;
    }
  }

  private anyInterest(): boolean {
    for (const k of this.keys) if (k.interest.size > 0) return true;
    return false;
  }
}

function sameSet<V>(a: ReadonlySet<V>, b: ReadonlySet<V>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}
