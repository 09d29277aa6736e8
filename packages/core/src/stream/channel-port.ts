import { Observable, Subject, defer, firstValueFrom, of } from 'rxjs';
import type { ReadinessPort } from '../observe/readiness.ts';
import { startTimer } from '../observe/timers.ts';
import { CLOSE_LINGER_MS } from '../record/limits.ts';
import type { ByteChannel } from './byte-channel.ts';

/**
 * The readiness port over a {@link ByteChannel} (promise reads and writes: Deno's `Conn`, web
 * streams, a WebSocket, `cloudflare:sockets`). It keeps a little state between the promises:
 *
 * - reading is pulled: a `channel.read()` starts only when the engine asks (`read()` found
 *   nothing, or someone waits on `readable$`), and at most one is outstanding. Its bytes, end
 *   of stream or error wait for the next `read()`. Nothing more is read from the channel until
 *   they are taken: that carries backpressure from the TLS reader down to the transport.
 * - writing is queued: `write()` takes the bytes, starts `channel.write()` if idle and returns
 *   `false` while a write is pending; `writable$` fires when the queue is empty.
 * - a failed read or write is reported to `onFailure` at once (so the connection can end even
 *   when nobody reads) and thrown by the next `read()`. End of stream is not a failure here: the
 *   engine decides whether it was clean (after close_notify) or a truncation.
 * - `end()` half-closes once the queue is empty; the channel is closed once both directions are
 *   done, or at `destroy()`. A read cut short by `destroy()` is no failure.
 */
export class ChannelPort implements ReadinessPort {
  private reading = false;
  private chunk: Uint8Array | undefined;
  private eof = false;
  private failure: Error | undefined;
  private readonly queue: Uint8Array[] = [];
  private writing = false;
  private ending = false;
  private writeClosed = false;
  private closed = false;
  private lingering = false;
  private readonly readableSubject = new Subject<void>();
  private readonly writableSubject = new Subject<void>();

  readonly readable$: Observable<void> = defer(() => {
    if (this.readReady()) return of(undefined);
    this.pump();
    return this.readableSubject.asObservable();
  });

  readonly writable$: Observable<void> = defer(() => (this.writing && !this.closed ? this.writableSubject.asObservable() : of(undefined)));

  /** A channel's reads are the caller's (see {@link ByteChannel.read}): the engine keeps them without a copy. */
  readonly readsOwned = true;

  constructor(
    private readonly channel: ByteChannel,
    private readonly onFailure: (err: Error) => void = () => undefined,
  ) {}

  /** Whether the channel has been closed (both directions done, or `destroy()`). */
  get isClosed(): boolean {
    return this.closed;
  }

  read(): Uint8Array | null | undefined {
    if (this.failure) throw this.failure;
    const chunk = this.chunk;
    if (chunk !== undefined) {
      this.chunk = undefined;
      return chunk;
    }
    if (this.eof || this.closed) return null;
    this.pump();
    return undefined;
  }

  write(data: Uint8Array): boolean {
    // After a failure or close the bytes go nowhere; the failure was reported and surfaces on the next read.
    if (this.failure || this.closed || this.ending || data.length === 0) return !this.writing;
    this.queue.push(data);
    if (!this.writing) void this.flush();
    return !this.writing;
  }

  end(): void {
    if (this.ending || this.closed) return;
    this.ending = true;
    if (!this.writing) void this.closeWrite();
  }

  destroy(): void {
    this.close();
  }

  /**
   * The lingering close after a fatal alert: send the queued bytes (the alert), half-close,
   * read and drop what still arrives, and close at the peer's end of stream or after
   * `CLOSE_LINGER_MS`. Closing with unread input would reset the connection, which can
   * overtake the alert.
   */
  closeAfterAlert(): void {
    if (this.closed || this.lingering) return;
    this.lingering = true;
    const stop = startTimer(CLOSE_LINGER_MS, () => this.close());
    this.end();
    void this.drain().finally(() => {
      stop();
      this.close();
    });
  }

  /** Read and drop until end of stream, failure or close (the read in flight, if any, is waited for first). */
  private async drain(): Promise<void> {
    if (this.reading) await firstValueFrom(this.readableSubject);
    this.chunk = undefined;
    while (!this.closed && !this.eof && this.failure === undefined) {
      try {
        if ((await this.channel.read()) === null) this.eof = true;
      } catch {
        return;
      }
    }
  }

  private readReady(): boolean {
    return this.failure !== undefined || this.chunk !== undefined || this.eof || this.closed;
  }

  /** Start the one outstanding read, unless it runs already or its result is still untaken. */
  private pump(): void {
    if (this.reading || this.readReady()) return;
    this.reading = true;
    // Through a promise, so that a channel whose read() throws synchronously fails the same way.
    Promise.resolve()
      .then(() => this.channel.read())
      .then(
        (bytes) => {
          this.reading = false;
          if (bytes === null) this.eof = true;
          else if (bytes.length > 0) this.chunk = bytes;
          if (this.eof && this.writeClosed) this.close();
          this.readableSubject.next();
        },
        (err: unknown) => {
          this.reading = false;
          this.fail(err);
          this.readableSubject.next();
        },
      );
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      for (let data = this.queue.shift(); data !== undefined; data = this.queue.shift()) await this.channel.write(data);
    } catch (err) {
      this.queue.length = 0;
      this.fail(err);
      this.readableSubject.next();
    }
    this.writing = false;
    if (this.ending && !this.writeClosed) await this.closeWrite();
    this.writableSubject.next();
  }

  private async closeWrite(): Promise<void> {
    this.writeClosed = true;
    if (this.closed || this.failure) return;
    try {
      await this.channel.closeWrite?.();
    } catch {
      // The peer may have closed first (NotConnected): nothing left to tell it.
    }
    if (this.eof) this.close();
  }

  /** Record a failure and report it, unless it is the echo of our own close(). */
  private fail(err: unknown): void {
    if (this.closed || this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.onFailure(this.failure);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.channel.close();
    this.readableSubject.next();
    this.writableSubject.next();
  }
}
