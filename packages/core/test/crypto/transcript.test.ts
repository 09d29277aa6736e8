// Transcript (RFC 8446 §4.4.1): buffering until the hash is known, snapshots for PSK binders,
// and the message_hash substitution after a HelloRetryRequest, checked against node:crypto.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { Transcript } from '../../src/crypto/transcript.ts';
import type { HashAlgorithm } from '../../src/crypto/provider.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { concat, toHex } from '../../src/bytes/util.ts';

const nodeHash = (algorithm: HashAlgorithm, ...parts: Uint8Array[]): string => {
  const h = createHash(algorithm.replace('-', '').toLowerCase());
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

const message = (type: number, fill: number, length: number): Uint8Array =>
  new Uint8Array([type, 0, length >> 8, length & 0xff, ...new Uint8Array(length).fill(fill)]);

const clientHello = message(1, 0x11, 200);
const serverHello = message(2, 0x22, 90);
const encryptedExtensions = message(8, 0x33, 20);

describe('Transcript', () => {
  for (const algorithm of ['SHA-256', 'SHA-384'] as const) {
    it(`${algorithm}: messages added before selectHash are hashed once it is chosen`, () => {
      const t = new Transcript(nobleProvider);
      t.add(clientHello);
      t.add(serverHello);
      t.selectHash(algorithm);
      expect(toHex(t.hash())).toBe(nodeHash(algorithm, clientHello, serverHello));
      t.add(encryptedExtensions);
      expect(toHex(t.hash())).toBe(nodeHash(algorithm, clientHello, serverHello, encryptedExtensions));
    });
  }

  it('hash() can be called repeatedly without disturbing the running hash', () => {
    const t = new Transcript(nobleProvider);
    t.selectHash('SHA-256');
    t.add(clientHello);
    const first = toHex(t.hash());
    expect(toHex(t.hash())).toBe(first);
    t.add(serverHello);
    expect(toHex(t.hash())).toBe(nodeHash('SHA-256', clientHello, serverHello));
  });

  it('keeps its own copy of a buffered message (a transport may reuse its buffer)', () => {
    const buffer = clientHello.slice();
    const t = new Transcript(nobleProvider);
    t.add(buffer);
    buffer.fill(0);
    t.selectHash('SHA-256');
    expect(toHex(t.hash())).toBe(nodeHash('SHA-256', clientHello));
  });

  it('hashWith(extra) hashes the transcript plus extra without keeping it (PSK binders)', () => {
    const t = new Transcript(nobleProvider);
    t.add(clientHello);
    t.selectHash('SHA-256');
    const partial = serverHello.subarray(0, 40);
    expect(toHex(t.hashWith(partial))).toBe(nodeHash('SHA-256', clientHello, partial));
    expect(toHex(t.hash())).toBe(nodeHash('SHA-256', clientHello));
    t.add(serverHello);
    expect(toHex(t.hash())).toBe(nodeHash('SHA-256', clientHello, serverHello));
  });

  for (const [algorithm, length] of [['SHA-256', 32], ['SHA-384', 48]] as const) {
    it(`${algorithm}: replaceWithMessageHash puts message_hash || 00 00 ${length} || Hash(ClientHello1) first`, () => {
      const t = new Transcript(nobleProvider);
      t.add(clientHello);
      t.selectHash(algorithm);
      t.replaceWithMessageHash();
      t.add(serverHello); // the HelloRetryRequest
      const inner = new Uint8Array(Buffer.from(nodeHash(algorithm, clientHello), 'hex'));
      const synthetic = concat(new Uint8Array([254, 0, 0, length]), inner);
      expect(toHex(t.hash())).toBe(nodeHash(algorithm, synthetic, serverHello));
    });
  }

  it('selectHash again with the same hash is harmless; another hash is a UsageError', () => {
    const t = new Transcript(nobleProvider);
    t.add(clientHello);
    t.selectHash('SHA-256');
    t.selectHash('SHA-256');
    expect(toHex(t.hash())).toBe(nodeHash('SHA-256', clientHello));
    expect(() => t.selectHash('SHA-384')).toThrow(UsageError);
  });

  it('hashing before the hash is chosen is a UsageError', () => {
    const t = new Transcript(nobleProvider);
    t.add(clientHello);
    expect(() => t.hash()).toThrow(UsageError);
    expect(() => t.hashWith(serverHello)).toThrow(UsageError);
    expect(() => t.replaceWithMessageHash()).toThrow(UsageError);
  });
});
