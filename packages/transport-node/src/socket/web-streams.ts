import { finished, type Duplex } from 'node:stream';
import { readableOf, writableOf, type StreamSource, type WebStreamPair } from '@rxtls/core';

export type { WebStreamPair } from '@rxtls/core';

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

const asBytes = (chunk: Buffer | Uint8Array): Uint8Array => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/**
 * A Duplex as core's {@link StreamSource}: `read()` takes a chunk from the Duplex's readable
 * buffer (waiting for 'readable' when it is empty), `write()` resolves at the write callback,
 * `shutdown()` ends the Duplex and waits for 'finish', `destroy()` destroys it.
 */
function duplexSource(duplex: Duplex): StreamSource {
  return {
    async read() {
      for (;;) {
        if (duplex.errored) throw duplex.errored;
        const chunk = duplex.read() as Buffer | null;
        if (chunk !== null) return asBytes(chunk);
        if (duplex.readableEnded || duplex.destroyed) return null;
        await nextEvent(duplex, ['readable', 'end', 'error', 'close']);
      }
    },
    write: (chunk) => new Promise<void>((resolve, reject) => duplex.write(chunk, (err) => (err ? reject(err) : resolve()))),
    shutdown: () =>
      new Promise<void>((resolve, reject) => {
        const cleanup = finished(duplex, { readable: false }, (err) => {
          cleanup();
          if (err) reject(err);
          else resolve();
        });
        duplex.end();
      }),
    destroy: (error) => duplex.destroy(error),
  };
}

/**
 * Web streams over the readable and writable sides of `duplex` (core's {@link readableOf} and
 * {@link writableOf}): the readable pulls from the Duplex's buffer only when its reader asks,
 * so a slow web reader holds that buffer full and the Duplex stops reading from the network.
 * Use one way of reading (Duplex, web or data$), not several at once.
 */
export function webStreamsOf(duplex: Duplex): WebStreamPair {
  const source = duplexSource(duplex);
  return { readable: readableOf(source), writable: writableOf(source) };
}
