import { ByteQueue } from '../bytes/byte-queue.ts';

/** A record whose sealing is in flight, and what it became. */
interface InFlight {
  readonly size: number;
  bytes?: Uint8Array;
}

/**
 * The engine's outgoing bytes, in order, when some records are still being sealed
 * asynchronously (a WebCrypto AEAD with several records in flight). Bytes are ready to take
 * only up to the first record still in flight: what follows waits, so records leave in
 * sequence-number order whatever order their seals finish in. With nothing in flight it is
 * a plain {@link ByteQueue}.
 */
export class OutputQueue {
  private readonly ready = new ByteQueue();
  /** Records in order from the first one still sealing; later plain bytes wait behind it too. */
  private readonly waiting: InFlight[] = [];
  private inFlightBytes = 0;
  private sealing = 0;
  private settledWaiter: { promise: Promise<void>; resolve: () => void } | undefined;
  /** The first seal that failed (an AEAD that rejected): the connection cannot go on. */
  failure: unknown;

  /** Bytes ready to send now. */
  get readyLength(): number {
    return this.ready.length;
  }

  /** Ready bytes plus those waiting behind a seal (records in flight counted at their plaintext size). */
  get length(): number {
    return this.ready.length + this.inFlightBytes;
  }

  /** Records being sealed now. */
  get inFlight(): number {
    return this.sealing;
  }

  /** Append bytes that are ready (a plaintext record, or one sealed synchronously). */
  push(bytes: Uint8Array): void {
    if (this.waiting.length === 0) {
      this.ready.push(bytes);
      return;
    }
    this.waiting.push({ size: bytes.length, bytes });
    this.inFlightBytes += bytes.length;
  }

  /** Append a record being sealed: `size` bytes are counted until it settles. */
  pushSealing(record: Promise<Uint8Array>, size: number): void {
    const entry: InFlight = { size };
    this.waiting.push(entry);
    this.inFlightBytes += size;
    this.sealing++;
    record.then(
      (bytes) => {
        entry.bytes = bytes;
        this.settle();
      },
      (error: unknown) => {
        this.failure ??= error;
        this.settle();
      },
    );
  }

  /** Remove and return up to `max` ready bytes. */
  take(max?: number): Uint8Array {
    return this.ready.take(max);
  }

  /** Resolves when the next seal in flight settles (at once when none is). */
  settled(): Promise<void> {
    if (this.sealing === 0) return Promise.resolve();
    if (this.settledWaiter === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.settledWaiter = { promise, resolve };
    }
    return this.settledWaiter.promise;
  }

  /** One seal finished: move the records at the front that are done into the ready bytes. */
  private settle(): void {
    this.sealing--;
    if (this.failure !== undefined) {
      // Nothing after a failed seal may go out: the sequence would have a hole.
      this.waiting.length = 0;
      this.inFlightBytes = 0;
    }
    while (this.waiting.length > 0 && this.waiting[0]!.bytes !== undefined) {
      const entry = this.waiting.shift()!;
      this.inFlightBytes -= entry.size;
      this.ready.push(entry.bytes!);
    }
    const waiter = this.settledWaiter;
    this.settledWaiter = undefined;
    waiter?.resolve();
  }
}
