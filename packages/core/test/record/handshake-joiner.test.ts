import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/bytes/util.ts';
import { TlsError, UsageError } from '../../src/errors/tls-error.ts';
import { HandshakeJoiner, type JoinedHandshakeMessage } from '../../src/record/handshake-joiner.ts';
import { HANDSHAKE_HEADER_LENGTH, MAX_HANDSHAKE_MESSAGE, MAX_PLAINTEXT } from '../../src/record/limits.ts';
import { expectAlert } from './helpers.ts';

const message = (type: number, body: Uint8Array) => concat(Uint8Array.of(type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff), body);

function joinAll(fragments: Uint8Array[]): JoinedHandshakeMessage[] {
  const j = new HandshakeJoiner();
  const out: JoinedHandshakeMessage[] = [];
  for (const f of fragments) {
    j.push(f);
    for (let m = j.next(); m !== null; m = j.next()) out.push(m);
  }
  expect(j.isEmpty).toBe(true);
  return out;
}

const show = (m: JoinedHandshakeMessage) => `${m.type}:${toHex(m.body)}:${toHex(m.raw)}`;

describe('HandshakeJoiner', () => {
  it('joins a message split over records', () => {
    const body = Uint8Array.from({ length: 40_000 }, (_, i) => i & 0xff);
    const raw = message(11, body);
    const records = [raw.subarray(0, 2), raw.subarray(2, MAX_PLAINTEXT), raw.subarray(MAX_PLAINTEXT, 2 * MAX_PLAINTEXT), raw.subarray(2 * MAX_PLAINTEXT)];
    const j = new HandshakeJoiner();
    for (const r of records.slice(0, -1)) {
      j.push(r);
      expect(j.next()).toBeNull();
      expect(j.isEmpty).toBe(false);
    }
    j.push(records.at(-1)!);
    const m = j.next()!;
    expect(m.type).toBe(11);
    expect(toHex(m.body)).toBe(toHex(body));
    expect(toHex(m.raw)).toBe(toHex(raw));
    expect(j.isEmpty).toBe(true);
  });

  it('splits several messages in one record, including an empty body', () => {
    const msgs = [message(8, Uint8Array.of(0, 0)), message(5, new Uint8Array(0)), message(20, new Uint8Array(32).fill(7))];
    expect(joinAll([concat(...msgs)]).map(show)).toEqual(msgs.map((raw) => `${raw[0]}:${toHex(raw.subarray(4))}:${toHex(raw)}`));
  });

  it('gives the same messages under any record split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 200 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (msgs, cuts) => {
          const stream = concat(...msgs.map((m) => message(m.type, m.body)));
          const points = [...new Set(cuts.map((c) => 1 + (c % stream.length)))].sort((a, b) => a - b);
          const pieces: Uint8Array[] = [];
          let at = 0;
          for (const p of [...points, stream.length]) {
            if (p > at) pieces.push(stream.subarray(at, p));
            at = p;
          }
          expect(joinAll(pieces).map(show)).toEqual(joinAll([stream]).map(show));
          expect(joinAll([stream]).map((m) => m.type)).toEqual(msgs.map((m) => m.type));
        },
      ),
    );
  });

  it('rejects a zero-length fragment with unexpected_message', () => {
    expectAlert(() => new HandshakeJoiner().push(new Uint8Array(0)), 'unexpected_message');
  });

  it('rejects a header announcing more than MAX_HANDSHAKE_MESSAGE before buffering the body', () => {
    const j = new HandshakeJoiner();
    j.push(message(11, new Uint8Array(MAX_HANDSHAKE_MESSAGE)).subarray(0, 100));
    expect(j.next()).toBeNull();
    const over = MAX_HANDSHAKE_MESSAGE + 1;
    const k = new HandshakeJoiner();
    k.push(Uint8Array.of(11, over >> 16));
    expectAlert(() => k.push(Uint8Array.of((over >> 8) & 0xff, over & 0xff)), 'decode_error');
    expectAlert(() => k.next(), 'decode_error');
    expect(k.bufferedBytes).toBe(HANDSHAKE_HEADER_LENGTH);
  });

  it('a partial message pending at a key change -> unexpected_message', () => {
    const j = new HandshakeJoiner();
    j.push(message(2, Uint8Array.of(1, 2, 3)).subarray(0, 5));
    expectAlert(() => j.checkKeyChange(), 'unexpected_message');
  });

  it('a whole message left after the one before the key change -> unexpected_message', () => {
    // ServerHello and EncryptedExtensions in one plaintext record: EE would cross the key change.
    const j = new HandshakeJoiner();
    j.push(concat(message(2, Uint8Array.of(1)), message(8, Uint8Array.of(0, 0))));
    expect(j.next()?.type).toBe(2);
    expect(j.isEmpty).toBe(false);
    expectAlert(() => j.checkKeyChange(), 'unexpected_message');
  });

  it('allows a key change on a record boundary', () => {
    const j = new HandshakeJoiner();
    j.push(message(2, Uint8Array.of(1)));
    expect(j.next()?.type).toBe(2);
    expect(() => j.checkKeyChange()).not.toThrow();
  });

  it('refuses a push while a whole message is waiting', () => {
    const j = new HandshakeJoiner();
    j.push(message(2, Uint8Array.of(1)));
    expect(() => j.push(Uint8Array.of(1))).toThrow(UsageError);
  });

  it('random fragments end only in TlsError and stay within one message plus one push (property)', () => {
    const bound = HANDSHAKE_HEADER_LENGTH + MAX_HANDSHAKE_MESSAGE;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }), (fragments) => {
        const j = new HandshakeJoiner();
        try {
          for (const f of fragments) {
            j.push(f);
            expect(j.bufferedBytes).toBeLessThan(bound + f.length);
            for (let m = j.next(); m !== null; m = j.next()) expect(m.body.length).toBeLessThanOrEqual(MAX_HANDSHAKE_MESSAGE);
            expect(j.bufferedBytes).toBeLessThan(bound);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
        }
      }),
    );
  });
});

describe('the header check', () => {
  const refuseType = (refused: number) => (type: number): void => {
    if (type === refused) throw new TlsError('unexpected_message', `type ${type} refused`);
  };

  it('judges a message that starts in a fragment before keeping any of it, and the refusal sticks', () => {
    const joiner = new HandshakeJoiner(refuseType(20));
    const fragment = concat(Uint8Array.of(20, 0, 0x40, 0), new Uint8Array(1000));
    expectAlert(() => joiner.push(fragment), 'unexpected_message');
    expect(joiner.bufferedBytes).toBe(0);
    expectAlert(() => joiner.next(), 'unexpected_message');
  });

  it('judges a header split over records once its 4 bytes are there, and each later message when it reaches the front', () => {
    const seen: number[] = [];
    const joiner = new HandshakeJoiner((type) => {
      seen.push(type);
      if (type === 99) throw new TlsError('unexpected_message', 'no');
    });
    joiner.push(Uint8Array.of(1, 0));
    expect(seen).toEqual([]);
    joiner.push(Uint8Array.of(0, 1, 7, 2, 0, 0));
    expect(joiner.next()?.type).toBe(1);
    expect(joiner.next()).toBeNull(); // type 2's header is not whole yet
    joiner.push(Uint8Array.of(0));
    expect(joiner.next()?.type).toBe(2);
    expect(seen).toContain(2);
    expectAlert(() => joiner.push(Uint8Array.of(99, 0, 0, 0)), 'unexpected_message');
  });
});
