import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { TlsError, UsageError } from '../../src/errors/tls-error.ts';
import { RecordDeframer, type RawRecord } from '../../src/record/deframer.ts';
import { MAX_PLAINTEXT } from '../../src/record/limits.ts';
import { SequenceNumber } from '../../src/record/nonce.ts';
import { RecordOpener, RecordSealer } from '../../src/record/protection.ts';
import { aesGcm, expectAlert } from './helpers.ts';

const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const iv = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const aead = aesGcm(key);

function toRaw(record: Uint8Array): RawRecord {
  const d = new RecordDeframer();
  d.push(record);
  return d.next()!;
}

/** A record whose TLSInnerPlaintext is exactly `inner`, bypassing RecordSealer's checks. */
function rawRecordWithInner(inner: Uint8Array, seq = 0n): RawRecord {
  const s = new SequenceNumber(iv, seq);
  const length = inner.length + 16;
  const header = Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);
  return toRaw(concat(header, aead.seal(s.nonce(), header, inner)));
}

describe('SequenceNumber nonce (RFC 8446 §5.3)', () => {
  it('XORs the left-padded 64-bit sequence number into the iv', () => {
    expect(toHex(new SequenceNumber(iv).nonce())).toBe(toHex(iv));
    expect(toHex(new SequenceNumber(iv, 1n).nonce())).toBe('a0a1a2a3a4a5a6a7a8a9aaaa');
    expect(toHex(new SequenceNumber(new Uint8Array(12), 0x0102030405060708n).nonce())).toBe('000000000102030405060708');
    const s = new SequenceNumber(new Uint8Array(12), 0xffffffffn);
    s.increment();
    expect(s.value).toBe(0x100000000n);
    expect(toHex(s.nonce())).toBe('000000000000000100000000');
  });

  it('never wraps: after 2^64 - 1 it throws', () => {
    const sealer = new RecordSealer(aead, iv, 2n ** 64n - 1n);
    const last = sealer.seal(ContentType.application_data, Uint8Array.of(1));
    expect(new RecordOpener(aead, iv, 2n ** 64n - 1n).open(toRaw(last)).content).toEqual(Uint8Array.of(1));
    expectAlert(() => sealer.seal(ContentType.application_data, Uint8Array.of(1)), 'internal_error');
    expect(() => new RecordSealer(aead, iv, 2n ** 64n)).toThrow(UsageError);
    expect(() => new RecordSealer(aead, new Uint8Array(7))).toThrow(UsageError);
  });
});

describe('RecordSealer / RecordOpener', () => {
  it('round-trips type, content and padding (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom(21, 22, 23), content: fc.uint8Array({ minLength: 1, maxLength: 200 }), padding: fc.nat(300) }), { maxLength: 5 }),
        (records) => {
          const sealer = new RecordSealer(aead, iv);
          const opener = new RecordOpener(aead, iv);
          for (const r of records) {
            const sealed = sealer.seal(r.type, r.content, r.padding);
            expect(sealed.length).toBe(5 + r.content.length + 1 + r.padding + 16);
            const opened = opener.open(toRaw(sealed));
            expect(opened.type).toBe(r.type);
            expect(toHex(opened.content)).toBe(toHex(r.content));
          }
        },
      ),
    );
  });

  it('seals empty application data; refuses oversized content and CCS', () => {
    const sealer = new RecordSealer(aead, iv);
    expect(new RecordOpener(aead, iv).open(toRaw(sealer.seal(23, new Uint8Array(0)))).content.length).toBe(0);
    expect(() => sealer.seal(23, new Uint8Array(MAX_PLAINTEXT), 1)).toThrow(UsageError);
    expect(() => sealer.seal(20, Uint8Array.of(1))).toThrow(UsageError);
    expect(sealer.seal(23, new Uint8Array(MAX_PLAINTEXT)).length).toBe(5 + MAX_PLAINTEXT + 1 + 16);
  });

  it('tampered ciphertext, tag or header -> bad_record_mac', () => {
    const sealed = new RecordSealer(aead, iv).seal(22, Uint8Array.of(1, 2, 3, 4));
    for (const at of [5, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at]! ^= 1;
      expectAlert(() => new RecordOpener(aead, iv).open(toRaw(bad)), 'bad_record_mac');
    }
    // The header is the additional data: a different legacy_record_version fails too.
    const badHeader = sealed.slice();
    badHeader[2] = 1;
    expectAlert(() => new RecordOpener(aead, iv).open(toRaw(badHeader)), 'bad_record_mac');
  });

  it('a dropped record (wrong sequence number) -> bad_record_mac', () => {
    const sealer = new RecordSealer(aead, iv);
    sealer.seal(23, Uint8Array.of(1));
    const second = sealer.seal(23, Uint8Array.of(2));
    expectAlert(() => new RecordOpener(aead, iv).open(toRaw(second)), 'bad_record_mac');
    expect(new RecordOpener(aead, iv, 1n).open(toRaw(second)).content).toEqual(Uint8Array.of(2));
  });

  it('a truncated tag -> bad_record_mac', () => {
    const sealed = new RecordSealer(aead, iv).seal(23, Uint8Array.of(1, 2, 3));
    for (const cut of [1, 8, 16, 19, 20]) {
      const length = sealed.length - 5 - cut;
      const truncated = concat(Uint8Array.of(23, 3, 3, length >> 8, length & 0xff), sealed.subarray(5, sealed.length - cut));
      expectAlert(() => new RecordOpener(aead, iv).open(toRaw(truncated)), 'bad_record_mac');
    }
  });

  it('padding-only plaintext -> unexpected_message', () => {
    expectAlert(() => new RecordOpener(aead, iv).open(rawRecordWithInner(new Uint8Array(40))), 'unexpected_message');
    expectAlert(() => new RecordOpener(aead, iv).open(rawRecordWithInner(new Uint8Array(1))), 'unexpected_message');
  });

  it('inner plaintext over 2^14 + 1 -> record_overflow (2^14 + 1 itself is fine)', () => {
    const ok = new Uint8Array(MAX_PLAINTEXT + 1);
    ok[MAX_PLAINTEXT] = 23;
    expect(new RecordOpener(aead, iv).open(rawRecordWithInner(ok)).content.length).toBe(MAX_PLAINTEXT);
    const over = new Uint8Array(MAX_PLAINTEXT + 2);
    over[MAX_PLAINTEXT + 1] = 23;
    expectAlert(() => new RecordOpener(aead, iv).open(rawRecordWithInner(over)), 'record_overflow');
    const padded = new Uint8Array(MAX_PLAINTEXT + 100);
    padded[0] = 23;
    expectAlert(() => new RecordOpener(aead, iv).open(rawRecordWithInner(padded)), 'record_overflow');
  });

  it('honours a smaller announced record_size_limit', () => {
    const inner = new Uint8Array(101);
    inner[100] = 23;
    expect(new RecordOpener(aead, iv).open(rawRecordWithInner(inner), 101).content.length).toBe(100);
    expectAlert(() => new RecordOpener(aead, iv).open(rawRecordWithInner(inner), 100), 'record_overflow');
  });

  it('protected CCS, unknown inner type, empty handshake or alert -> unexpected_message', () => {
    for (const inner of [Uint8Array.of(1, 20), Uint8Array.of(1, 24, 0), Uint8Array.of(22), Uint8Array.of(21, 0, 0)]) {
      expectAlert(() => new RecordOpener(aead, iv).open(rawRecordWithInner(inner)), 'unexpected_message');
    }
  });

  it('outer type other than application_data -> unexpected_message', () => {
    const sealed = new RecordSealer(aead, iv).seal(22, Uint8Array.of(1));
    sealed[0] = 22;
    expectAlert(() => new RecordOpener(aead, iv).open(toRaw(sealed)), 'unexpected_message');
  });

  it('random ciphertext ends only in TlsError (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.constantFrom(20, 21, 22, 23), (body, type) => {
        const header = Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 0xff);
        try {
          new RecordOpener(aead, iv).open({ type, legacyVersion: 0x0303, header, fragment: body });
          expect.unreachable('random bytes authenticated');
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
        }
      }),
    );
  });
});
