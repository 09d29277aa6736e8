// The client against a hostile or broken server: every deviation from RFC 8446 ends in
// a typed error with the specific alert, sent to the peer. The §3 server flight of RFC 8448
// is the base; the tests re-encrypt edited messages with the trace's server handshake key.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concat, toHex } from '../../src/bytes/util.ts';
import { ContentType, ExtensionType, HandshakeType, NamedGroup } from '../../src/codec/enums.ts';
import { encodeHandshake } from '../../src/codec/handshake.ts';
import { decodeServerHello, encodeServerHello, type ServerHello } from '../../src/codec/messages/server-hello.ts';
import { encodeEncryptedExtensions } from '../../src/codec/messages/encrypted-extensions.ts';
import { encodeKeyShareServerHello } from '../../src/codec/extensions/key-share.ts';
import { encodeProtocolNameList } from '../../src/codec/extensions/alpn.ts';
import { encodePlaintextRecord } from '../../src/record/fragmenter.ts';
import { RecordOpener, RecordSealer } from '../../src/record/protection.ts';
import { RecordDeframer } from '../../src/record/deframer.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TransportError } from '../../src/engine/transport-error.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { section3, section3Client, section3ServerRecords, steps } from './trace-fixture.ts';

/** A sealer with the trace's server handshake keys: records as the §3 server would send them. */
function serverSealer(): RecordSealer {
  return new RecordSealer(nobleProvider.createAead('AES-128-GCM', section3.serverHandshakeKey), section3.serverHandshakeIv);
}

function plaintextHandshake(...messages: Uint8Array[]): Uint8Array {
  return encodePlaintextRecord(ContentType.handshake, 0x0303, concat(...messages));
}

/** Run a client that has sent its ClientHello against `serverBytes`; return how it ended. */
function runAgainst(serverBytes: Uint8Array, end = true): { conn: TlsConnection; result: number } {
  const conn = section3Client();
  conn.connect();
  conn.takeOutput();
  conn.receive(serverBytes);
  if (end) conn.receiveEnd();
  const result = conn.connect();
  return { conn, result };
}

/**
 * The alert description our client sent: in plaintext before ServerHello, afterwards sealed
 * under the client handshake traffic key (RFC 8446 §5), which the test opens with the trace's key.
 */
function sentAlert(conn: TlsConnection): number | undefined {
  const deframer = new RecordDeframer();
  deframer.push(conn.takeOutput());
  const opener = new RecordOpener(nobleProvider.createAead('AES-128-GCM', section3.clientHandshakeKey), section3.clientHandshakeIv);
  let last: number | undefined;
  for (let r = deframer.next(); r !== null; r = deframer.next()) {
    const record = r.type === ContentType.application_data ? opener.open(r) : { type: r.type, content: r.fragment };
    if (record.type === ContentType.alert) last = record.content[1];
  }
  return last;
}

function expectAlert(serverBytes: Uint8Array, alert: string): TlsError {
  const { conn, result } = runAgainst(serverBytes);
  expect(result).toBe(-1);
  expect(conn.getError()).toBe(SslError.SSL);
  expect(conn.error).toBeInstanceOf(TlsError);
  const err = conn.error as TlsError;
  expect(err.alertName).toBe(alert);
  expect(sentAlert(conn)).toBe(err.alert);
  // Sticky: the connection stays failed.
  expect(conn.connect()).toBe(-1);
  expect(conn.getError()).toBe(SslError.SSL);
  return err;
}

function editServerHello(edit: (sh: ServerHello) => ServerHello): Uint8Array {
  const sh = decodeServerHello(section3.serverHello.subarray(4));
  return encodeHandshake(HandshakeType.server_hello, encodeServerHello(edit(sh)));
}

const SH_RECORD = section3ServerRecords[0]!;
const encrypted = (...messages: Uint8Array[]): Uint8Array => {
  const sealer = serverSealer();
  return concat(...messages.map((m) => sealer.seal(ContentType.handshake, m)));
};
const { encryptedExtensions: EE, certificate: CERT, certificateVerify: CV, finished: FIN } = section3;

describe('client: any split of the server bytes gives the same handshake and the same data', () => {
  const appData = traceValue(steps, '3', 'server', 'send application_data record', 'payload');
  const whole = concat(...section3ServerRecords, traceValue(steps, '3', 'server', 'send application_data record', 'complete record'));
  const reference = (() => {
    const conn = section3Client();
    conn.connect();
    const hello = conn.takeOutput();
    conn.receive(whole);
    expect(conn.connect()).toBe(1);
    const finished = conn.takeOutput();
    conn.read(new Uint8Array(10));
    return { hello: toHex(hello), finished: toHex(finished), params: conn.negotiated };
  })();

  it('property: random chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const conn = section3Client();
        conn.connect();
        expect(toHex(conn.takeOutput())).toBe(reference.hello);
        let last = 0;
        let result = -1;
        for (const p of [...points, whole.length]) {
          conn.receive(whole.subarray(last, p));
          last = p;
          result = conn.connect();
          if (result !== 1) expect(conn.getError()).toBe(SslError.WANT_READ);
        }
        expect(result).toBe(1);
        expect(toHex(conn.takeOutput())).toBe(reference.finished);
        expect(conn.negotiated).toEqual(reference.params);
        const buf = new Uint8Array(100);
        const n = conn.read(buf);
        expect(toHex(buf.subarray(0, n))).toBe(toHex(appData));
      }),
      { numRuns: 60 },
    );
  });

  it('one byte at a time', () => {
    const conn = section3Client();
    conn.connect();
    conn.takeOutput();
    for (let i = 0; i < whole.length; i++) {
      conn.receive(whole.subarray(i, i + 1));
      conn.connect();
    }
    expect(conn.isEstablished).toBe(true);
    expect(toHex(conn.takeOutput())).toBe(reference.finished);
  });
});

describe('client: truncated and mutated server bytes end in typed errors', () => {
  const whole = concat(section3ServerRecords[0]!, section3ServerRecords[1]!);

  it('every truncation followed by end of stream is SYSCALL (never a hang, never success)', () => {
    for (let n = 0; n < whole.length; n += 7) {
      const { conn, result } = runAgainst(whole.subarray(0, n));
      expect(result).toBe(-1);
      expect([SslError.SYSCALL, SslError.SSL]).toContain(conn.getError());
      expect(conn.error instanceof TransportError || conn.error instanceof TlsError).toBe(true);
    }
  });

  it('property: a flipped byte anywhere ends in success or a typed error, nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: whole.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const bytes = whole.slice();
        bytes[at]! ^= mask;
        const { conn, result } = runAgainst(bytes);
        if (result !== 1) {
          expect(conn.error instanceof TlsError || conn.error instanceof TransportError).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a flipped bit inside the encrypted flight is bad_record_mac', () => {
    const bytes = whole.slice();
    bytes[SH_RECORD.length + 40]! ^= 1;
    expectAlert(bytes, 'bad_record_mac');
  });
});

describe('client: the attack table', () => {
  const table: [string, () => Uint8Array, string][] = [
    ['Certificate without EncryptedExtensions', () => concat(SH_RECORD, encrypted(CERT, CV, FIN)), 'unexpected_message'],
    ['CertificateVerify without Certificate', () => concat(SH_RECORD, encrypted(EE, CV, FIN)), 'unexpected_message'],
    ['Finished without CertificateVerify', () => concat(SH_RECORD, encrypted(EE, CERT, FIN)), 'unexpected_message'],
    ['EncryptedExtensions twice', () => concat(SH_RECORD, encrypted(EE, EE, CERT, CV, FIN)), 'unexpected_message'],
    ['Finished first', () => concat(SH_RECORD, encrypted(FIN)), 'unexpected_message'],
    ['a second ServerHello in plaintext', () => concat(SH_RECORD, SH_RECORD), 'unexpected_message'],
    ['EncryptedExtensions in plaintext', () => plaintextHandshake(section3.serverHello, EE), 'unexpected_message'],
    ['change_cipher_spec with content 2', () => concat(SH_RECORD, encodePlaintextRecord(ContentType.change_cipher_spec, 0x0303, new Uint8Array([2]))), 'unexpected_message'],
    [
      'application data before Finished',
      () => {
        const s = serverSealer();
        return concat(SH_RECORD, s.seal(ContentType.handshake, EE), s.seal(ContentType.application_data, new Uint8Array([1, 2, 3])));
      },
      'unexpected_message',
    ],
    ['application data in plaintext before ServerHello', () => encodePlaintextRecord(ContentType.application_data, 0x0303, new Uint8Array([1])), 'unexpected_message'],
    ['a suite we did not offer', () => plaintextHandshake(editServerHello((sh) => ({ ...sh, cipherSuite: 0x1304 }))), 'illegal_parameter'],
    [
      'a key share for a group we sent no share for',
      () =>
        plaintextHandshake(
          editServerHello((sh) => ({
            ...sh,
            extensions: sh.extensions.map((e) => (e.type === ExtensionType.key_share ? { type: e.type, data: encodeKeyShareServerHello({ group: NamedGroup.secp256r1, keyExchange: new Uint8Array(65).fill(4) }) } : e)),
          })),
        ),
      'illegal_parameter',
    ],
    ['no key_share', () => plaintextHandshake(editServerHello((sh) => ({ ...sh, extensions: sh.extensions.filter((e) => e.type !== ExtensionType.key_share) }))), 'missing_extension'],
    ['a legacy_session_id_echo we did not send', () => plaintextHandshake(editServerHello((sh) => ({ ...sh, legacySessionIdEcho: new Uint8Array(32).fill(7) }))), 'illegal_parameter'],
    ['TLS 1.2 (no supported_versions)', () => plaintextHandshake(editServerHello((sh) => ({ ...sh, extensions: sh.extensions.filter((e) => e.type !== ExtensionType.supported_versions) }))), 'protocol_version'],
    [
      'the TLS 1.2 downgrade sentinel',
      () =>
        plaintextHandshake(
          editServerHello((sh) => ({
            ...sh,
            random: concat(sh.random.subarray(0, 24), new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01])),
            extensions: sh.extensions.filter((e) => e.type !== ExtensionType.supported_versions),
          })),
        ),
      'illegal_parameter',
    ],
    ['an invalid X25519 share (all zero result)', () => plaintextHandshake(editServerHello((sh) => ({ ...sh, extensions: sh.extensions.map((e) => (e.type === ExtensionType.key_share ? { type: e.type, data: encodeKeyShareServerHello({ group: NamedGroup.x25519, keyExchange: new Uint8Array(32) }) } : e)) }))), 'illegal_parameter'],
    [
      'ALPN we did not offer',
      () =>
        concat(
          SH_RECORD,
          encrypted(encodeHandshake(HandshakeType.encrypted_extensions, encodeEncryptedExtensions({ extensions: [{ type: ExtensionType.application_layer_protocol_negotiation, data: encodeProtocolNameList([new Uint8Array([0x68, 0x32])]) }] })), CERT, CV, FIN),
        ),
      'unsupported_extension',
    ],
    [
      'key_share inside EncryptedExtensions',
      () => concat(SH_RECORD, encrypted(encodeHandshake(HandshakeType.encrypted_extensions, encodeEncryptedExtensions({ extensions: [{ type: ExtensionType.key_share, data: new Uint8Array([0, 0x1d, 0, 1, 1]) }] })), CERT, CV, FIN)),
      'illegal_parameter',
    ],
    ['an empty Certificate', () => concat(SH_RECORD, encrypted(EE, encodeHandshake(HandshakeType.certificate, new Uint8Array([0, 0, 0, 0])), CV, FIN)), 'decode_error'],
    [
      'a forged CertificateVerify signature',
      () => {
        const cv = CV.slice();
        cv[cv.length - 1]! ^= 1;
        return concat(SH_RECORD, encrypted(EE, CERT, cv, FIN));
      },
      'decrypt_error',
    ],
    [
      'a wrong server Finished',
      () => {
        const fin = FIN.slice();
        fin[10]! ^= 1;
        return concat(SH_RECORD, encrypted(EE, CERT, CV, fin));
      },
      'decrypt_error',
    ],
    ['a record over 2^14+256 bytes', () => concat(new Uint8Array([22, 3, 3, 0x41, 0x01]), new Uint8Array(0x4101)), 'record_overflow'],
    ['an unknown record type', () => new Uint8Array([99, 3, 3, 0, 1, 0]), 'unexpected_message'],
    ['a truncated ServerHello body', () => plaintextHandshake(new Uint8Array([2, 0, 0, 5, 3, 3, 0, 0, 0])), 'decode_error'],
    ['a handshake message of an unknown type', () => plaintextHandshake(new Uint8Array([99, 0, 0, 0])), 'unexpected_message'],
  ];

  for (const [name, build, alert] of table) {
    it(`${name} → ${alert}`, () => {
      expectAlert(build(), alert);
    });
  }

  it('a fatal alert from the server fails the handshake with the peer\'s alert, and we send none back', () => {
    const { conn, result } = runAgainst(encodePlaintextRecord(ContentType.alert, 0x0303, new Uint8Array([2, 40])));
    expect(result).toBe(-1);
    expect(conn.getError()).toBe(SslError.SSL);
    const err = conn.error as TlsError;
    expect(err.alertName).toBe('handshake_failure');
    expect(err.origin).toBe('peer');
    expect(conn.takeOutput().length).toBe(0);
  });

  it('close_notify during the handshake returns 0 with ZERO_RETURN', () => {
    const { conn, result } = runAgainst(encodePlaintextRecord(ContentType.alert, 0x0303, new Uint8Array([1, 0])), false);
    expect(result).toBe(0);
    expect(conn.getError()).toBe(SslError.ZERO_RETURN);
  });
});
