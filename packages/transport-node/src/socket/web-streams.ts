import { finished, type Duplex } from 'node:stream';
import { ReadableStream, WritableStream } from 'node:stream/web';

/** A web readable/writable pair (the WHATWG `ReadableWritablePair` shape: usable with `pipeThrough`). */
export interface WebStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

const asBytes = (chunk: Buffer | Uint8Array): Uint8Array => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** Wait for the first of `events` on `stream`, then remove every listener added here. */
function nextEvent(stream: Duplex, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const fire = (): void => {
      for (const e of events) stream.off(e, fire);
      resolve();
    };
    for (const e of events) stream.on(e, fire);
  });
}

/**
 * Web streams over the readable and writable sides of `duplex`. The readable pulls with
 * `duplex.read()` only when its own queue (one chunk) has room, so a slow web reader holds
 * the Duplex's buffer full and the Duplex stops reading from the network. A write resolves
 * when the Duplex's write callback fires; `close()` ends the Duplex (close_notify) and waits
 * for 'finish'; `abort()`/`cancel()` destroy it. Use one way of reading (Duplex, web or data$),
 * not several at once.
 */
export function webStreamsOf(duplex: Duplex): WebStreamPair {
  const readable = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (duplex.errored) {
            controller.error(duplex.errored);
            return;
          }
          const chunk = duplex.read() as Buffer | null;
          if (chunk !== null) {
            controller.enqueue(asBytes(chunk));
            return;
          }
          if (duplex.readableEnded || duplex.destroyed) {
            controller.close();
            return;
          }
          await nextEvent(duplex, ['readable', 'end', 'error', 'close']);
        }
      },
      cancel(reason) {
        duplex.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 1 },
  );
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        duplex.write(chunk, (err) => (err ? reject(err) : resolve()));
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        const cleanup = finished(duplex, { readable: false }, (err) => {
          cleanup();
          if (err) reject(err);
          else resolve();
        });
        duplex.end();
      });
    },
    abort(reason) {
      duplex.destroy(reason instanceof Error ? reason : undefined);
    },
  });
  return { readable, writable };
}
