import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Observable } from 'rxjs';
import type { ReadinessPort } from '@rxtls/core';

/**
 * The readiness port over a Node stream (a `net.Socket` or any Duplex) in paused mode:
 * `readable$` fires on 'readable'/'end'/'error', `writable$` on 'drain'. Thin by design.
 */
export class NodeReadiness implements ReadinessPort {
  private ended = false;
  private failure: Error | undefined;

  readonly readable$: Observable<void>;
  readonly writable$: Observable<void>;

  constructor(private readonly stream: Duplex) {
    stream.pause();
    stream.on('end', () => {
      this.ended = true;
    });
    stream.on('error', (err: Error) => {
      this.failure = err;
    });
    stream.on('close', () => {
      this.ended = true;
    });
    this.readable$ = readyWhen(stream, ['readable', 'end', 'error', 'close'], () => this.failure !== undefined || this.ended || stream.readableLength > 0);
    this.writable$ = readyWhen(stream, ['drain', 'close'], () => !stream.writableNeedDrain || this.failure !== undefined || stream.destroyed);
  }

  read(): Uint8Array | null | undefined {
    if (this.failure) throw this.failure;
    const chunk = this.stream.read() as Buffer | null;
    if (chunk !== null) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.ended || this.stream.readableEnded) return null;
    return undefined;
  }

  write(data: Uint8Array): boolean {
    if (this.failure || this.stream.destroyed) return true; // the failure surfaces on the next read
    return this.stream.write(data);
  }

  end(): void {
    if (!this.stream.writableEnded) this.stream.end();
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/**
 * Emits once (then completes) when `readyNow()` holds at subscription, or at the first of
 * `events`. Unsubscribing removes the listeners: nothing is left behind.
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

/** Disable Nagle: a TLS flight must not wait for the peer's delayed ACK (SSL_connect(3)). */
export function setNoDelay(socket: Socket, noDelay: boolean): void {
  socket.setNoDelay(noDelay);
}
