// TLS 1.2 record protection (RFC 5246 §6.2.3.3; RFC 5288 for AES-GCM, RFC 7905 for
// ChaCha20-Poly1305), checked against node:crypto's AEADs with the nonce and additional data
// built here independently, in both directions.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { AeadAlgorithm } from '../../src/crypto/provider.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import type { RawRecord } from '../../src/record/deframer.ts';
import { RecordOpener12, RecordSealer12, type NonceStyle12 } from '../../src/record/protection12.ts';

const CASES: { aead: AeadAlgorithm; node: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; key: number; iv: number; style: NonceStyle12 }[] = [
  { aead: 'AES-128-GCM', node: 'aes-128-gcm', key: 16, iv: 4, style: 'explicit' },
  { aead: 'AES-256-GCM', node: 'aes-256-gcm', key: 32, iv: 4, style: 'explicit' },
  { aead: 'CHACHA20-POLY1305', node: 'chacha20-poly1305', key: 32, iv: 12, style: 'xor' },
];

const seq8 = (n: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
};
const aad = (n: number, type: number, length: number): Uint8Array => concat(seq8(n), Uint8Array.of(type, 3, 3, length >> 8, length & 0xff));
const nonceOf = (style: NonceStyle12, iv: Uint8Array, n: number): Uint8Array => (style === 'explicit' ? concat(iv, seq8(n)) : iv.map((b, i) => b ^ (i >= 4 ? seq8(n)[i - 4]! : 0)));
const rawOf = (record: Uint8Array): RawRecord => ({ type: record[0]!, legacyVersion: (record[1]! << 8) | record[2]!, fragment: record.subarray(5), header: record.subarray(0, 5) });

describe.each(CASES)('$aead ($style nonce)', ({ aead, node, key: keyLength, iv: ivLength, style }) => {
  const key = new Uint8Array(randomBytes(keyLength));
  const iv = new Uint8Array(randomBytes(ivLength));

  it('what we seal, node:crypto opens with the RFC nonce and additional data, record after record', () => {
    const sealer = new RecordSealer12(nobleProvider.createAead(aead, key), iv, style);
    for (let n = 0; n < 3; n++) {
      const content = new Uint8Array(randomBytes(100 + n));
      const record = sealer.seal(ContentType.application_data, content);
      expect([record[0], record[1], record[2]]).toEqual([ContentType.application_data, 3, 3]);
      const explicit = style === 'explicit' ? record.subarray(5, 13) : new Uint8Array(0);
      if (style === 'explicit') expect(explicit).toEqual(seq8(n)); // the sequence number as the explicit nonce
      const body = record.subarray(5 + explicit.length);
      const d = createDecipheriv(node as 'aes-128-gcm', key, nonceOf(style, iv, n), { authTagLength: 16 });
      d.setAAD(aad(n, ContentType.application_data, content.length), { plaintextLength: content.length });
      d.setAuthTag(body.subarray(body.length - 16));
      const plain = Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
      expect(new Uint8Array(plain)).toEqual(content);
    }
  });

  it('what node:crypto seals, we open; a changed byte, type or order is bad_record_mac', () => {
    const records: Uint8Array[] = [];
    for (let n = 0; n < 3; n++) {
      const content = new Uint8Array(randomBytes(50));
      const c = createCipheriv(node as 'aes-128-gcm', key, nonceOf(style, iv, n), { authTagLength: 16 });
      c.setAAD(aad(n, ContentType.handshake, content.length), { plaintextLength: content.length });
      const sealed = concat(new Uint8Array(c.update(content)), new Uint8Array(c.final()), new Uint8Array(c.getAuthTag()));
      const fragment = concat(style === 'explicit' ? seq8(n) : new Uint8Array(0), sealed);
      records.push(concat(Uint8Array.of(ContentType.handshake, 3, 3, fragment.length >> 8, fragment.length & 0xff), fragment));
    }
    const opener = new RecordOpener12(nobleProvider.createAead(aead, key), iv, style);
    for (const record of records) expect(opener.open(rawOf(record)).type).toBe(ContentType.handshake);

    const bad = (mutate: (r: Uint8Array) => Uint8Array, at = 0): void => {
      const fresh = new RecordOpener12(nobleProvider.createAead(aead, key), iv, style);
      for (let i = 0; i < at; i++) fresh.open(rawOf(records[i]!));
      expect(() => fresh.open(rawOf(mutate(records[at]!.slice())))).toThrow(TlsError);
    };
    bad((r) => ((r[r.length - 1] = r[r.length - 1]! ^ 1), r)); // the tag
    bad((r) => ((r[20] = r[20]! ^ 1), r)); // the ciphertext
    bad((r) => ((r[0] = ContentType.application_data), r)); // the type is authenticated
    bad(() => records[1]!.slice()); // out of order: another sequence number
  });

  it('a record too short for the nonce and tag is bad_record_mac; one over the plaintext limit is record_overflow', () => {
    const opener = new RecordOpener12(nobleProvider.createAead(aead, key), iv, style);
    const short = rawOf(concat(Uint8Array.of(23, 3, 3, 0, 10), new Uint8Array(10)));
    expect(() => opener.open(short)).toThrow(expect.objectContaining({ alertName: 'bad_record_mac' }));
    const sealer = new RecordSealer12(nobleProvider.createAead(aead, key), iv, style);
    const big = rawOf(sealer.seal(ContentType.application_data, new Uint8Array(1000)));
    expect(() => new RecordOpener12(nobleProvider.createAead(aead, key), iv, style).open(big, 999)).toThrow(expect.objectContaining({ alertName: 'record_overflow' }));
  });

  it('the sequence number never wraps: the record at 2^64 − 1 is the last one a key protects (RFC 5246 §6.1)', () => {
    const last = 2n ** 64n - 1n;
    const sealer = new RecordSealer12(nobleProvider.createAead(aead, key), iv, style, last);
    const record = sealer.seal(ContentType.application_data, Uint8Array.of(7));
    expect(new RecordOpener12(nobleProvider.createAead(aead, key), iv, style, last).open(rawOf(record)).content).toEqual(Uint8Array.of(7));
    expect(() => sealer.seal(ContentType.application_data, Uint8Array.of(8))).toThrow(/sequence number exhausted/);
  });
});
