import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { TlsError, UsageError } from '../../src/errors/tls-error.ts';
import { RecordDeframer } from '../../src/record/deframer.ts';
import { encodePlaintextRecord } from '../../src/record/fragmenter.ts';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from '../../src/record/limits.ts';
import { RecordSealer } from '../../src/record/protection.ts';
import { RecordLayer, type ReadRecord } from '../../src/record/record-layer.ts';
import { aesGcm, expectAlert } from './helpers.ts';

const key = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
const iv = Uint8Array.from({ length: 12 }, (_, i) => 0x10 * i);
const ccs = encodePlaintextRecord(20, 0x0303, Uint8Array.of(1));

function readAll(layer: RecordLayer, bytes: Uint8Array): ReadRecord[] {
  layer.pushIncoming(bytes);
  const out: ReadRecord[] = [];
  for (let r = layer.readRecord(); r !== null; r = layer.readRecord()) out.push(r);
  return out;
}

function headers(bytes: Uint8Array): Array<[number, number, number]> {
  const d = new RecordDeframer();
  d.push(bytes);
  const out: Array<[number, number, number]> = [];
  for (let r = d.next(); r !== null; r = d.next()) out.push([r.type, r.legacyVersion, r.fragment.length]);
  return out;
}

describe('RecordLayer: change_cipher_spec (RFC 8446 §5)', () => {
  it('drops a CCS of exactly 0x01 while accepted, before and after read keys', () => {
    const layer = new RecordLayer();
    layer.acceptCompatibilityCcs = true;
    const hs = encodePlaintextRecord(22, 0x0303, Uint8Array.of(2, 0, 0, 0));
    expect(readAll(layer, concat(ccs, hs)).map((r) => r.type)).toEqual([22]);
    layer.setReadKeys(aesGcm(key), iv);
    const sealed = new RecordSealer(aesGcm(key), iv).seal(22, Uint8Array.of(8, 0, 0, 0));
    expect(readAll(layer, concat(ccs, sealed)).map((r) => toHex(r.content))).toEqual(['08000000']);
  });

  it('rejects a CCS while not accepted', () => {
    expectAlert(() => readAll(new RecordLayer(), ccs), 'unexpected_message');
  });

  it('rejects a CCS with any other content', () => {
    for (const body of [Uint8Array.of(2), Uint8Array.of(1, 1), new Uint8Array(0)]) {
      const layer = new RecordLayer();
      layer.acceptCompatibilityCcs = true;
      expectAlert(() => readAll(layer, encodePlaintextRecord(20, 0x0303, body)), 'unexpected_message');
    }
  });
});

describe('RecordLayer: incoming', () => {
  it('rejects a plaintext record other than CCS once read keys are set', () => {
    const layer = new RecordLayer();
    layer.setReadKeys(aesGcm(key), iv);
    expectAlert(() => readAll(layer, encodePlaintextRecord(21, 0x0303, Uint8Array.of(2, 40))), 'unexpected_message');
    // Sticky.
    expectAlert(() => layer.readRecord(), 'unexpected_message');
    expectAlert(() => layer.pushIncoming(Uint8Array.of(1)), 'unexpected_message');
  });

  it('rejects plaintext application data and empty handshake or alert records', () => {
    expectAlert(() => readAll(new RecordLayer(), encodePlaintextRecord(23, 0x0303, Uint8Array.of(1))), 'unexpected_message');
    expectAlert(() => readAll(new RecordLayer(), encodePlaintextRecord(22, 0x0303, new Uint8Array(0))), 'unexpected_message');
    expectAlert(() => readAll(new RecordLayer(), encodePlaintextRecord(21, 0x0303, new Uint8Array(0))), 'unexpected_message');
  });

  it('rejects a plaintext record over 2^14 with record_overflow', () => {
    const header = Uint8Array.of(22, 3, 3, (MAX_PLAINTEXT + 1) >> 8, (MAX_PLAINTEXT + 1) & 0xff);
    expectAlert(() => readAll(new RecordLayer(), concat(header, new Uint8Array(MAX_PLAINTEXT + 1).fill(1))), 'record_overflow');
  });

  it('rejects a protected record over the announced record_size_limit', () => {
    const layer = new RecordLayer();
    layer.readRecordSizeLimit = 65;
    layer.setReadKeys(aesGcm(key), iv);
    const sealer = new RecordSealer(aesGcm(key), iv);
    expect(readAll(layer, sealer.seal(23, new Uint8Array(64))).length).toBe(1);
    expectAlert(() => readAll(layer, sealer.seal(23, new Uint8Array(65))), 'record_overflow');
    expect(() => (new RecordLayer().readRecordSizeLimit = 63)).toThrow(UsageError);
  });

  it('counts protected records per read key and restarts the sequence on a key change', () => {
    const layer = new RecordLayer();
    layer.setReadKeys(aesGcm(key), iv);
    const sealer = new RecordSealer(aesGcm(key), iv);
    readAll(layer, concat(sealer.seal(23, Uint8Array.of(1)), sealer.seal(23, Uint8Array.of(2))));
    expect(layer.recordsReadWithCurrentKey).toBe(2);
    expect(layer.readSequenceNumber).toBe(2n);
    layer.setReadKeys(aesGcm(key), iv);
    expect(layer.recordsReadWithCurrentKey).toBe(0);
    expect(readAll(layer, new RecordSealer(aesGcm(key), iv).seal(23, Uint8Array.of(3)))[0]?.content).toEqual(Uint8Array.of(3));
  });

  it('skips rejected early data up to max_early_data_size, then decrypts again (RFC 8446 §4.2.10)', () => {
    const earlyKey = new Uint8Array(16).fill(9);
    const early = new RecordSealer(aesGcm(earlyKey), iv);
    const layer = new RecordLayer();
    layer.setReadKeys(aesGcm(key), iv);
    layer.skipRejectedEarlyData(100);
    const finished = new RecordSealer(aesGcm(key), iv).seal(22, Uint8Array.of(20, 0, 0, 1, 0));
    const got = readAll(layer, concat(early.seal(23, new Uint8Array(60)), early.seal(23, new Uint8Array(40)), finished));
    expect(got.map((r) => toHex(r.content))).toEqual(['1400000100']);
    // Skipping ended with the first record that decrypted: a bad record is fatal again.
    expectAlert(() => readAll(layer, early.seal(23, Uint8Array.of(1))), 'bad_record_mac');
  });

  it('more skipped early data than max_early_data_size -> unexpected_message', () => {
    const early = new RecordSealer(aesGcm(new Uint8Array(16).fill(9)), iv);
    const layer = new RecordLayer();
    layer.setReadKeys(aesGcm(key), iv);
    layer.skipRejectedEarlyData(100);
    expectAlert(() => readAll(layer, concat(early.seal(23, new Uint8Array(60)), early.seal(23, new Uint8Array(41)))), 'unexpected_message');
  });

  it('after a HelloRetryRequest skips protected early data until the next ClientHello', () => {
    const early = new RecordSealer(aesGcm(new Uint8Array(16).fill(9)), iv);
    const layer = new RecordLayer();
    layer.acceptCompatibilityCcs = true;
    layer.skipRejectedEarlyData(1000);
    const ch2 = encodePlaintextRecord(22, 0x0303, Uint8Array.of(1, 0, 0, 0));
    expect(readAll(layer, concat(early.seal(23, new Uint8Array(10)), ccs, early.seal(23, new Uint8Array(10)), ch2)).map((r) => r.type)).toEqual([22]);
    expectAlert(() => readAll(layer, early.seal(23, Uint8Array.of(1))), 'unexpected_message');
  });
});

describe('RecordLayer: outgoing', () => {
  it('uses 0x0301 only for the initial ClientHello', () => {
    const layer = new RecordLayer();
    const ch = Uint8Array.of(1, 0, 0, 2, 3, 3);
    expect(headers(layer.encodeRecords(22, ch))).toEqual([[22, 0x0301, 6]]);
    expect(headers(layer.encodeRecords(22, ch))).toEqual([[22, 0x0303, 6]]);
    expect(headers(layer.encodeRecords(21, Uint8Array.of(2, 10)))).toEqual([[21, 0x0303, 2]]);
  });

  it('fragments to maxFragmentLength, plaintext and protected', () => {
    const layer = new RecordLayer();
    layer.maxFragmentLength = 100;
    const content = Uint8Array.from({ length: 250 }, (_, i) => i);
    expect(headers(layer.encodeRecords(22, content))).toEqual([[22, 0x0303, 100], [22, 0x0303, 100], [22, 0x0303, 50]]);
    layer.setWriteKeys(aesGcm(key), iv);
    const sealed = layer.encodeRecords(23, content);
    expect(headers(sealed)).toEqual([[23, 0x0303, 117], [23, 0x0303, 117], [23, 0x0303, 67]]);
    expect(layer.recordsWrittenWithCurrentKey).toBe(3);
    const reader = new RecordLayer();
    reader.setReadKeys(aesGcm(key), iv);
    expect(toHex(concat(...readAll(reader, sealed).map((r) => r.content)))).toBe(toHex(content));
  });

  it('defaults to 2^14-byte fragments', () => {
    const layer = new RecordLayer();
    layer.setWriteKeys(aesGcm(key), iv);
    expect(headers(layer.encodeRecords(23, new Uint8Array(MAX_PLAINTEXT + 1))).map((h) => h[2])).toEqual([MAX_PLAINTEXT + 17, 18]);
  });

  it('applies a peer record_size_limit counting the type byte and padding (RFC 8449 §4)', () => {
    const layer = new RecordLayer();
    layer.setPeerRecordSizeLimit(64);
    expect(layer.maxFragmentLength).toBe(63);
    layer.setPeerRecordSizeLimit(70_000);
    expect(layer.maxFragmentLength).toBe(MAX_PLAINTEXT);
    expectAlert(() => layer.setPeerRecordSizeLimit(63), 'illegal_parameter');
    layer.setPeerRecordSizeLimit(64);
    layer.setWriteKeys(aesGcm(key), iv);
    layer.paddingPolicy = () => 1000;
    // Every protected record's TLSInnerPlaintext (length - 16) stays within 64 bytes.
    const sealed = layer.encodeRecords(23, new Uint8Array(100));
    expect(headers(sealed).map((h) => h[2] - 16)).toEqual([64, 64]);
    const reader = new RecordLayer();
    reader.readRecordSizeLimit = 64;
    reader.setReadKeys(aesGcm(key), iv);
    expect(readAll(reader, sealed).map((r) => r.content.length)).toEqual([63, 37]);
  });

  it('pads as the padding policy says', () => {
    const layer = new RecordLayer();
    layer.setWriteKeys(aesGcm(key), iv);
    layer.paddingPolicy = (n) => 32 - n;
    expect(headers(layer.encodeRecords(21, Uint8Array.of(1, 0)))).toEqual([[23, 0x0303, 2 + 1 + 30 + 16]]);
    layer.paddingPolicy = () => -1;
    expect(() => layer.encodeRecords(21, Uint8Array.of(1, 0))).toThrow(UsageError);
  });

  it('never protects change_cipher_spec', () => {
    const layer = new RecordLayer();
    layer.setWriteKeys(aesGcm(key), iv);
    expect(toHex(layer.encodeRecords(20, Uint8Array.of(1)))).toBe(toHex(ccs));
    expect(layer.writeSequenceNumber).toBe(0n);
  });

  it('sends empty application data as one record; refuses other empty content and bad arguments', () => {
    const layer = new RecordLayer();
    expect(() => layer.encodeRecords(23, Uint8Array.of(1))).toThrow(UsageError);
    layer.setWriteKeys(aesGcm(key), iv);
    expect(headers(layer.encodeRecords(23, new Uint8Array(0)))).toEqual([[23, 0x0303, 17]]);
    expect(() => layer.encodeRecords(22, new Uint8Array(0))).toThrow(UsageError);
    expect(() => layer.encodeRecords(24, Uint8Array.of(1))).toThrow(UsageError);
    expect(() => (layer.maxFragmentLength = 0)).toThrow(UsageError);
    expect(() => (layer.maxFragmentLength = MAX_PLAINTEXT + 1)).toThrow(UsageError);
  });
});

describe('RecordLayer: hostile input (property)', () => {
  const bound = RECORD_HEADER_LENGTH + MAX_CIPHERTEXT;
  const sealer = () => new RecordSealer(aesGcm(key), iv);
  const chunkArb = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.record({ type: fc.constantFrom(20, 21, 22, 23), body: fc.uint8Array({ maxLength: 100 }) }).map((r) => encodePlaintextRecord(r.type, 0x0303, r.body)),
    fc.record({ type: fc.constantFrom(21, 22, 23), body: fc.uint8Array({ maxLength: 100 }), flip: fc.nat() }).map((r) => {
      const rec = sealer().seal(r.type, r.body);
      if (r.flip % 3 === 0) rec[5 + (r.flip % (rec.length - 5))]! ^= 0x80;
      return rec;
    }),
    fc.constant(ccs),
    fc.integer({ min: 1, max: MAX_CIPHERTEXT + 10 }).map((n) => new Uint8Array(n).fill(23)),
  );

  it('ends only in TlsError and holds at most one record plus one push', () => {
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 12 }), fc.boolean(), fc.boolean(), (chunks, keys, acceptCcs) => {
        const layer = new RecordLayer();
        layer.acceptCompatibilityCcs = acceptCcs;
        if (keys) layer.setReadKeys(aesGcm(key), iv);
        try {
          for (const c of chunks) {
            layer.pushIncoming(c);
            expect(layer.bufferedBytes).toBeLessThan(bound + c.length);
            for (let r = layer.readRecord(); r !== null; r = layer.readRecord()) expect(r.content.length).toBeLessThanOrEqual(MAX_PLAINTEXT);
            expect(layer.bufferedBytes).toBeLessThan(bound);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
