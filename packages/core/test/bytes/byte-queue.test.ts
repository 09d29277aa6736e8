import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Buffer } from 'node:buffer';
import { ByteQueue } from '../../src/bytes/byte-queue.ts';

describe('ByteQueue (core\'s one FIFO of bytes)', () => {
  it('takes in order across chunks: a view within one chunk, a copy across chunks, all by default', () => {
    const q = new ByteQueue();
    q.push(Uint8Array.of(1, 2, 3));
    q.push(Uint8Array.of(4, 5));
    expect(q.length).toBe(5);
    expect(q.byteAt(3)).toBe(4);
    expect([...q.take(2)]).toEqual([1, 2]);
    expect([...q.take(2)]).toEqual([3, 4]);
    expect([...q.take(10)]).toEqual([5]); // clamped to what is there
    expect(q.length).toBe(0);
    expect(q.take().length).toBe(0);
  });

  it('pushCopy keeps a copy, also of a Node Buffer (whose slice() would be a view)', () => {
    const q = new ByteQueue();
    const source = Buffer.from([9, 9, 9, 9]);
    q.pushCopy(source.subarray(1, 3));
    source.fill(0);
    expect([...q.take()]).toEqual([9, 9]);
    const owned = Uint8Array.of(7, 7);
    q.push(owned);
    owned[0] = 1; // push takes ownership: no copy
    expect([...q.take()]).toEqual([1, 7]);
  });

  it('property: any pushes and takes give the bytes back in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 50 }).map((b) => ({ push: b })), fc.integer({ min: 0, max: 80 }).map((n) => ({ take: n }))), { maxLength: 200 }), (ops) => {
        const q = new ByteQueue();
        const model: number[] = [];
        for (const op of ops) {
          if ('push' in op) {
            q.pushCopy(op.push);
            model.push(...op.push);
          } else {
            const got = q.take(op.take);
            expect([...got]).toEqual(model.splice(0, op.take));
          }
          expect(q.length).toBe(model.length);
          if (model.length > 0) expect(q.byteAt(model.length - 1)).toBe(model[model.length - 1]);
        }
      }),
    );
  });

  it('clear empties it', () => {
    const q = new ByteQueue();
    q.push(Uint8Array.of(1));
    q.clear();
    expect(q.length).toBe(0);
    expect(q.take().length).toBe(0);
  });
});
