// The TLS 1.2 suites: their code points and names (RFC 5289, RFC 7905), and for each one the
// key schedule and record protection together: a key block from a master secret seals on one
// side and opens on the other, and the AEAD matches the suite's key length.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CipherSuite, ContentType, nameOf } from '../../src/codec/enums.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TLS12_CIPHER_SUITES, getCipherSuite12 } from '../../src/crypto/suites12.ts';
import { keyBlock12 } from '../../src/crypto/tls12-key-schedule.ts';
import { RecordOpener12, RecordSealer12 } from '../../src/record/protection12.ts';
import type { RawRecord } from '../../src/record/deframer.ts';

const rawOf = (record: Uint8Array): RawRecord => ({ type: record[0]!, legacyVersion: 0x0303, fragment: record.subarray(5), header: record.subarray(0, 5) });

describe('TLS 1.2 cipher suites', () => {
  it('the six code points, as IANA assigns them, with their names', () => {
    expect(TLS12_CIPHER_SUITES.map((s) => [s.id, s.name])).toEqual([
      [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
      [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
      [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
      [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
      [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    ]);
    for (const s of TLS12_CIPHER_SUITES) {
      expect(nameOf.cipherSuite(s.id)).toBe(s.name);
      expect(getCipherSuite12(s.id)).toBe(s);
      expect(s.name.includes(s.authentication === 'ecdsa' ? '_ECDSA_' : '_RSA_')).toBe(true);
    }
    expect([CipherSuite.TLS_FALLBACK_SCSV, CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV]).toEqual([0x5600, 0x00ff]);
    expect(getCipherSuite12(CipherSuite.TLS_AES_128_GCM_SHA256)).toBeUndefined();
  });

  it.each(TLS12_CIPHER_SUITES)('$name: the key block seals on the client side and opens on the server side', (suite) => {
    const master = new Uint8Array(randomBytes(48));
    const clientRandom = new Uint8Array(randomBytes(32));
    const serverRandom = new Uint8Array(randomBytes(32));
    const client = keyBlock12(nobleProvider, suite.hash, master, clientRandom, serverRandom, suite.keyLength, suite.ivLength);
    const server = keyBlock12(nobleProvider, suite.hash, master, clientRandom, serverRandom, suite.keyLength, suite.ivLength);
    const sealer = new RecordSealer12(nobleProvider.createAead(suite.aead, client.clientWriteKey), client.clientWriteIv, suite.nonce);
    const opener = new RecordOpener12(nobleProvider.createAead(suite.aead, server.clientWriteKey), server.clientWriteIv, suite.nonce);
    for (const text of ['GET / HTTP/1.1', '', 'x'.repeat(16_384)]) {
      const content = new TextEncoder().encode(text);
      const record = sealer.seal(ContentType.application_data, content);
      expect(record.length).toBe(5 + (suite.nonce === 'explicit' ? 8 : 0) + content.length + 16);
      expect(opener.open(rawOf(record)).content).toEqual(content);
    }
    // The server's own write key does not open the client's records.
    const wrong = new RecordOpener12(nobleProvider.createAead(suite.aead, server.serverWriteKey), server.serverWriteIv, suite.nonce);
    expect(() => wrong.open(rawOf(new RecordSealer12(nobleProvider.createAead(suite.aead, client.clientWriteKey), client.clientWriteIv, suite.nonce).seal(23, Uint8Array.of(1))))).toThrow(/authentication/);
  });
});
