/**
 * Two in-memory {@link DenoConn}s joined back to back, whose reads and writes are cut to sizes
 * the test chooses: each `read()` returns at most the next size of its direction's list, and
 * each `write()` takes at most the next size (a partial write), cycling through the list.
 * That is every way TCP may split the bytes, without TCP.
 */
import type { DenoConn } from '../../src/low-level.ts';

/** One direction: bytes written at one end wait here for the other end's read. */
class Direction {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  private readAt = 0;
  private writeAt = 0;
  /** Every byte that crossed, in order (for assertions). */
  readonly log: Uint8Array[] = [];

  constructor(private readonly sizes: readonly number[]) {}

  private nextSize(which: 'read' | 'write'): number {
    const i = which === 'read' ? this.readAt++ : this.writeAt++;
    return this.sizes[i % this.sizes.length]!;
  }

  write(p: Uint8Array): number {
    if (this.ended) throw Object.assign(new Error('Broken pipe'), { name: 'BrokenPipe', code: 'EPIPE' });
    const n = Math.min(p.length, this.nextSize('write'));
    const copy = p.slice(0, n);
    this.chunks.push(copy);
    this.log.push(copy);
    this.wake?.();
    return n;
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async read(p: Uint8Array): Promise<number | null> {
    while (this.chunks.length === 0) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const first = this.chunks[0]!;
    const n = Math.min(p.length, first.length, this.nextSize('read'));
    p.set(first.subarray(0, n));
    if (n === first.length) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    return n;
  }
}

/** One end of the pair. */
class MemoryConn implements DenoConn {
  closed = false;
  readonly localAddr = { transport: 'memory' };
  readonly remoteAddr = { transport: 'memory' };

  constructor(
    private readonly incoming: Direction,
    private readonly outgoing: Direction,
  ) {}

  async read(p: Uint8Array): Promise<number | null> {
    if (this.closed) throw Object.assign(new Error('operation canceled'), { name: 'Interrupted' });
    return this.incoming.read(p);
  }

  async write(p: Uint8Array): Promise<number> {
    await Promise.resolve(); // asynchronous, like a socket
    if (this.closed) throw Object.assign(new Error('Bad resource ID'), { name: 'BadResource' });
    return this.outgoing.write(p);
  }

  async closeWrite(): Promise<void> {
    this.outgoing.end();
  }

  close(): void {
    this.closed = true;
    this.outgoing.end();
    this.incoming.end();
  }
}

/** A connected pair: what `a` writes `b` reads (cut by `aToB`), and back (cut by `bToA`). */
export function memoryConnPair(aToB: readonly number[], bToA: readonly number[]): { a: MemoryConn; b: MemoryConn; aToB: Direction; bToA: Direction } {
  const up = new Direction(aToB);
  const down = new Direction(bToA);
  return { a: new MemoryConn(down, up), b: new MemoryConn(up, down), aToB: up, bToA: down };
}
