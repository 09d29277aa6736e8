import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/bytes/util.ts';
import { TlsError, UsageError } from '../../src/errors/tls-error.ts';
import { RecordDeframer, type RawRecord } from '../../src/record/deframer.ts';
import { encodePlaintextRecord, fragment } from '../../src/record/fragmenter.ts';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from '../../src/record/limits.ts';
import { expectAlert } from './helpers.ts';

const header = (type: number, length: number) => Uint8Array.of(type, 3, 3, length >> 8, length & 0xff);

/** Push `chunks` one at a time, draining after each, and collect the records. */
function deframeAll(chunks: Uint8Array[]): RawRecord[] {
  const d = new RecordDeframer();
  const out: RawRecord[] = [];
  for (const c of chunks) {
    d.push(c);
    for (let r = d.next(); r !== null; r = d.next()) out.push(r);
  }
  expect(d.bufferedBytes).toBe(0);
  return out;
}

const show = (r: RawRecord) => `${r.type}/${r.legacyVersion.toString(16)}/${toHex(r.header)}/${toHex(r.fragment)}`;

/** Split `bytes` at the given cut points. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

const recordArb = fc.record({
  type: fc.constantFrom(20, 21, 22, 23),
  version: fc.constantFrom(0x0301, 0x0303),
  body: fc.uint8Array({ maxLength: 300 }),
});

describe('RecordDeframer', () => {
  it('returns records with type, version, header and fragment', () => {
    const bytes = concat(encodePlaintextRecord(22, 0x0301, Uint8Array.of(1, 2, 3)), encodePlaintextRecord(21, 0x0303, Uint8Array.of(2, 40)));
    const [a, b, ...rest] = deframeAll([bytes]);
    expect(rest).toEqual([]);
    expect(a && show(a)).toBe('22/301/1603010003/010203');
    expect(b && show(b)).toBe('21/303/1503030002/0228');
  });

  it('yields the same records under any split of the stream (property)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (records, cuts) => {
        const encoded = records.map((r) => encodePlaintextRecord(r.type, r.version, r.body));
        const stream = concat(...encoded);
        const whole = deframeAll([stream]).map(show);
        expect(whole).toEqual(records.map((r, i) => show({ type: r.type, legacyVersion: r.version, fragment: r.body, header: encoded[i]!.subarray(0, 5) })));
        expect(deframeAll(split(stream, cuts)).map(show)).toEqual(whole);
        // One byte at a time, too.
        expect(deframeAll([...stream].map((b) => Uint8Array.of(b))).map(show)).toEqual(whole);
      }),
    );
  });

  it('copies what it keeps: the caller may reuse its buffer', () => {
    const d = new RecordDeframer();
    const buf = encodePlaintextRecord(22, 0x0303, Uint8Array.of(9, 9, 9, 9));
    d.push(buf.subarray(0, 7));
    buf.fill(0xee, 0, 7);
    d.push(buf.subarray(7));
    expect(toHex(d.next()!.fragment)).toBe('09090909');
  });

  it('accepts a header announcing exactly 2^14 + 256 bytes and waits for the body', () => {
    const d = new RecordDeframer();
    d.push(header(23, MAX_CIPHERTEXT));
    expect(d.next()).toBeNull();
    d.push(new Uint8Array(MAX_CIPHERTEXT));
    expect(d.next()?.fragment.length).toBe(MAX_CIPHERTEXT);
  });

  it('rejects a header announcing more than 2^14 + 256 bytes as soon as the header arrives', () => {
    const d = new RecordDeframer();
    d.push(header(23, MAX_CIPHERTEXT + 1).subarray(0, 4));
    expectAlert(() => d.push(header(23, MAX_CIPHERTEXT + 1).subarray(4)), 'record_overflow');
    // Sticky: every later call fails the same way, and nothing of the body was kept.
    expectAlert(() => d.next(), 'record_overflow');
    expectAlert(() => d.push(new Uint8Array(100)), 'record_overflow');
    expect(d.bufferedBytes).toBe(RECORD_HEADER_LENGTH);
  });

  it('rejects an unknown content type with unexpected_message', () => {
    const d = new RecordDeframer();
    expectAlert(() => d.push(header(24, 1)), 'unexpected_message');
    expectAlert(() => new RecordDeframer().push(new TextEncoder().encode('GET / HTTP/1.1\r\n')), 'unexpected_message');
  });

  it('checks the header of a later record once the earlier ones are taken', () => {
    const d = new RecordDeframer();
    d.push(concat(encodePlaintextRecord(21, 0x0303, Uint8Array.of(2, 10)), header(23, 0xffff)));
    expect(d.next()?.type).toBe(21);
    expectAlert(() => d.next(), 'record_overflow');
  });

  it('refuses a push while a whole record is waiting (bounded memory)', () => {
    const d = new RecordDeframer();
    d.push(encodePlaintextRecord(22, 0x0303, Uint8Array.of(1)));
    expect(d.needsInput).toBe(false);
    expect(() => d.push(Uint8Array.of(22))).toThrow(UsageError);
    d.push(new Uint8Array(0));
    d.next();
    expect(d.needsInput).toBe(true);
    d.push(Uint8Array.of(22));
    expect(d.bufferedBytes).toBe(1);
  });

  it('never holds more than one record plus one push, for any input (property)', () => {
    const bound = RECORD_HEADER_LENGTH + MAX_CIPHERTEXT;
    const chunkArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      recordArb.map((r) => encodePlaintextRecord(r.type, r.version, r.body)),
      fc.record({ type: fc.constantFrom(20, 21, 22, 23), len: fc.integer({ min: 0, max: 0xffff }) }).map((h) => header(h.type, h.len)),
      fc.integer({ min: 1, max: 20_000 }).map((n) => new Uint8Array(n)),
    );
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 20 }), (chunks) => {
        const d = new RecordDeframer();
        try {
          for (const c of chunks) {
            d.push(c);
            expect(d.bufferedBytes).toBeLessThan(bound + c.length);
            for (let r = d.next(); r !== null; r = d.next()) expect(r.fragment.length).toBeLessThanOrEqual(MAX_CIPHERTEXT);
            expect(d.bufferedBytes).toBeLessThan(bound);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
        }
      }),
    );
  });
});

describe('fragment / encodePlaintextRecord', () => {
  it('splits into pieces of at most maxFragment bytes, in order', () => {
    const content = Uint8Array.from({ length: 250 }, (_, i) => i);
    const pieces = fragment(content, 100);
    expect(pieces.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(toHex(concat(...pieces))).toBe(toHex(content));
    expect(fragment(content, 250).length).toBe(1);
  });

  it('gives no pieces for empty content', () => {
    expect(fragment(new Uint8Array(0), 100)).toEqual([]);
  });

  it('refuses a maxFragment outside 1..2^14 and a fragment over 2^14', () => {
    expect(() => fragment(Uint8Array.of(1), 0)).toThrow(UsageError);
    expect(() => fragment(Uint8Array.of(1), MAX_PLAINTEXT + 1)).toThrow(UsageError);
    expect(() => encodePlaintextRecord(23, 0x0303, new Uint8Array(MAX_PLAINTEXT + 1))).toThrow(UsageError);
  });
});
