import { Observable } from 'rxjs';

/** What the stream views of a TLS connection read from and write to. */
export interface StreamSource {
  /** The next decrypted bytes; `null` at the peer's close_notify; rejects on a failure. */
  read(): Promise<Uint8Array | null>;
  /** Resolves once every byte was taken. */
  write(data: Uint8Array): Promise<void>;
  /** close_notify, then the transport's write side is ended. */
  shutdown(): Promise<void>;
  /** Tear down now; with `error`, that is what pending calls fail with. */
  destroy(error?: Error): void;
}

/** A web readable/writable pair (the WHATWG `ReadableWritablePair` shape: usable with `pipeThrough`). */
export interface WebStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

const reasonOf = (reason: unknown): Error | undefined => (reason instanceof Error ? reason : undefined);

/**
 * A web readable stream over `source`: it pulls only when its reader asks (high-water mark 0),
 * so a stream nobody reads leaves the bytes with the transport (and TCP flow control slows the
 * peer down). Closes at the peer's close_notify, errors on a failure; `cancel()` destroys.
 */
export function readableOf(source: StreamSource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await source.read();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel: (reason) => source.destroy(reasonOf(reason)),
    },
    { highWaterMark: 0 },
  );
}

/** A web writable stream over `source`: a write resolves once taken; `close()` sends close_notify and half-closes; `abort()` destroys. */
export function writableOf(source: StreamSource): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    write: (chunk) => source.write(chunk),
    close: () => source.shutdown(),
    abort: (reason) => source.destroy(reasonOf(reason)),
  });
}

/**
 * Decrypted data as a cold observable: subscribing starts a read loop, unsubscribing stops it.
 * A chunk whose read was in flight at unsubscription goes to `keep` (the next read returns it):
 * nothing is lost between subscriptions. Completes at the peer's close_notify, errors on a failure.
 */
export function dataOf(source: Pick<StreamSource, 'read'>, keep: (chunk: Uint8Array) => void): Observable<Uint8Array> {
  return new Observable<Uint8Array>((sub) => {
    let active = true;
    const loop = async (): Promise<void> => {
      try {
        for (;;) {
          const chunk = await source.read();
          if (!active) {
            if (chunk !== null) keep(chunk);
            return;
          }
          if (chunk === null) return sub.complete();
          sub.next(chunk);
        }
      } catch (err) {
        if (active) sub.error(err);
      }
    };
    void loop();
    return () => {
      active = false;
    };
  });
}
