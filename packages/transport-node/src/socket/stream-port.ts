import type { Duplex } from 'node:stream';
import { Observable } from 'rxjs';
import { limits, type ReadinessPort } from '@rxtls/core';

/**
 * The readiness port over any Node Duplex (a `net.Socket` or not), like `NodeReadiness`, plus
 * `detach()`: every listener this port put on the stream comes off again, so a wrapped
 * socket is left as it was found. The stream runs in paused mode: bytes stay in the kernel
 * (or the Duplex's own buffer) until the engine asks for them, which is what carries
 * backpressure from the TLS reader down to TCP.
 */
export class StreamPort implements ReadinessPort {
  private ended = false;
  private failure: Error | undefined;
  private readonly detachers: (() => void)[] = [];

  readonly readable$: Observable<void>;
  readonly writable$: Observable<void>;

  /** `onFailure` hears a transport error at once, even when nobody is reading. */
  constructor(
    private readonly stream: Duplex,
    onFailure: (err: Error) => void,
  ) {
    stream.pause();
    this.listen('end', () => {
      this.ended = true;
    });
    this.listen('close', () => {
      this.ended = true;
    });
    this.listen('error', (err: Error) => {
      this.failure ??= err;
      onFailure(err);
    });
    this.readable$ = readyWhen(stream, ['readable', 'end', 'error', 'close'], () => this.failure !== undefined || this.ended || stream.readableLength > 0 || stream.destroyed);
    this.writable$ = readyWhen(stream, ['drain', 'close', 'error'], () => !stream.writableNeedDrain || this.failure !== undefined || stream.destroyed);
  }

  read(): Uint8Array | null | undefined {
    if (this.failure) throw this.failure;
    const chunk = this.stream.read() as Buffer | null;
    if (chunk !== null) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.ended || this.stream.readableEnded || this.stream.destroyed) return null;
    return undefined;
  }

  write(data: Uint8Array): boolean {
    if (this.failure || this.stream.destroyed || this.stream.writableEnded) return true; // the failure surfaces on the next read
    return this.stream.write(data);
  }

  end(): void {
    if (!this.stream.writableEnded && !this.stream.destroyed) this.stream.end();
  }

  destroy(): void {
    this.stream.destroy();
  }

  /**
   * The lingering close after a fatal alert: end the write side once what was written has
   * gone out (FIN after the alert), read and drop whatever still arrives, and destroy at the
   * peer's end of stream or after `CLOSE_LINGER_MS`. Destroying with unread input would send
   * a reset that can overtake the alert.
   */
  closeAfterAlert(): void {
    const stream = this.stream;
    if (stream.destroyed) return;
    const done = (): void => {
      clearTimeout(timer);
      stream.destroy();
    };
    const timer = setTimeout(done, limits.CLOSE_LINGER_MS);
    timer.unref?.();
    stream.once('end', done);
    stream.once('close', () => clearTimeout(timer));
    stream.on('data', () => undefined); // discard: the connection is over
    stream.resume();
    if (!stream.writableEnded) stream.end();
  }

  /** Remove the listeners this port added (waits in progress end with the stream's 'close'). */
  detach(): void {
    for (const off of this.detachers.splice(0)) off();
  }

  private listen(event: string, listener: (err: Error) => void): void {
    this.stream.on(event, listener);
    this.detachers.push(() => this.stream.off(event, listener));
  }
}

/**
 * Emits once (then completes) when `readyNow()` holds at subscription, or at the first of
 * `events`. Unsubscribing removes the listeners.
 */
function readyWhen(stream: Duplex, events: readonly string[], readyNow: () => boolean): Observable<void> {
  return new Observable<void>((sub) => {
    if (readyNow()) {
      sub.next();
      sub.complete();
      return undefined;
    }
    const fire = (): void => {
      sub.next();
      sub.complete();
    };
    for (const e of events) stream.once(e, fire);
    return () => {
      for (const e of events) stream.off(e, fire);
    };
  });
}
