import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/bytes/reader.ts';
import { ByteWriter } from '../../src/bytes/writer.ts';
import { concat, toHex } from '../../src/bytes/util.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { ExtensionType, HandshakeType, KeyUpdateRequest, SignatureScheme } from '../../src/codec/enums.ts';
import { decodeExtensions, encodeExtensions, findExtension, unexpectedExtensions } from '../../src/codec/extension.ts';
import { decodeHandshake, decodeHandshakeHeader, encodeHandshake } from '../../src/codec/handshake.ts';
import { decodeAlert, encodeAlert } from '../../src/codec/alert.ts';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.ts';
import {
  decodeServerHello,
  downgradeSentinel,
  DOWNGRADE_TLS12,
  encodeServerHello,
  HELLO_RETRY_REQUEST_RANDOM,
  isHelloRetryRequest,
} from '../../src/codec/messages/server-hello.ts';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from '../../src/codec/messages/encrypted-extensions.ts';
import { decodeCertificateRequest, encodeCertificateRequest } from '../../src/codec/messages/certificate-request.ts';
import { decodeCertificate, encodeCertificate, type Certificate } from '../../src/codec/messages/certificate.ts';
import { decodeCertificateVerify, encodeCertificateVerify } from '../../src/codec/messages/certificate-verify.ts';
import { decodeFinished, encodeFinished } from '../../src/codec/messages/finished.ts';
import { decodeNewSessionTicket, encodeNewSessionTicket, type NewSessionTicket } from '../../src/codec/messages/new-session-ticket.ts';
import { decodeKeyUpdate, encodeKeyUpdate } from '../../src/codec/messages/key-update.ts';
import { decodeEndOfEarlyData, encodeEndOfEarlyData } from '../../src/codec/messages/end-of-early-data.ts';
import { encodeMessageHash } from '../../src/codec/messages/message-hash.ts';
import { encodeSignatureSchemeList } from '../../src/codec/extensions/signature-algorithms.ts';
import { encodeMaxEarlyDataSize } from '../../src/codec/extensions/early-data.ts';
import { encodePreSharedKeyClientHello } from '../../src/codec/extensions/pre-shared-key.ts';
import { expectAlert, expectPrefixesRejected, expectTrailingRejected } from './helpers.ts';
import { rawExtensionBlock, sampleClientHello, sampleServerHello, seq } from './samples.ts';

/** A body whose extension block (its last field) is replaced by `block`. */
function replaceExtensions(bodyWithEmptyExtensions: Uint8Array, block: Uint8Array): Uint8Array {
  expect(toHex(bodyWithEmptyExtensions.subarray(-2))).toBe('0000');
  return concat(bodyWithEmptyExtensions.subarray(0, -2), block);
}

const dupBlock = rawExtensionBlock([
  [ExtensionType.server_name, new Uint8Array(0)],
  [ExtensionType.early_data, new Uint8Array(0)],
  [ExtensionType.server_name, new Uint8Array(0)],
]);

const certificate: Certificate = {
  certificateRequestContext: seq(3),
  certificateList: [
    { certData: seq(300, 1), extensions: [{ type: ExtensionType.status_request, data: seq(5) }] },
    { certData: seq(1, 2), extensions: [] },
  ],
};

const ticket: NewSessionTicket = {
  ticketLifetime: 0xfffffffe,
  ticketAgeAdd: 0x80000001,
  ticketNonce: seq(8),
  ticket: seq(100, 3),
  extensions: [{ type: ExtensionType.early_data, data: encodeMaxEarlyDataSize(16384) }],
};

/** Every message: a value, its encoder and its decoder. */
const messages = [
  { name: 'ClientHello', value: sampleClientHello(), encode: encodeClientHello, decode: decodeClientHello },
  { name: 'ServerHello', value: sampleServerHello(), encode: encodeServerHello, decode: decodeServerHello },
  {
    name: 'EncryptedExtensions',
    value: { extensions: [{ type: ExtensionType.server_name, data: new Uint8Array(0) }, { type: ExtensionType.application_layer_protocol_negotiation, data: Uint8Array.of(0, 3, 2, 0x68, 0x32) }] },
    encode: encodeEncryptedExtensions,
    decode: decodeEncryptedExtensions,
  },
  {
    name: 'CertificateRequest',
    value: { certificateRequestContext: seq(4), extensions: [{ type: ExtensionType.signature_algorithms, data: encodeSignatureSchemeList([SignatureScheme.ed25519]) }] },
    encode: encodeCertificateRequest,
    decode: decodeCertificateRequest,
  },
  { name: 'Certificate', value: certificate, encode: encodeCertificate, decode: decodeCertificate },
  { name: 'CertificateVerify', value: { algorithm: SignatureScheme.ecdsa_secp256r1_sha256, signature: seq(71) }, encode: encodeCertificateVerify, decode: decodeCertificateVerify },
  { name: 'Finished', value: { verifyData: seq(48) }, encode: encodeFinished, decode: (b: Uint8Array) => decodeFinished(b, 48) },
  { name: 'NewSessionTicket', value: ticket, encode: encodeNewSessionTicket, decode: decodeNewSessionTicket },
  { name: 'KeyUpdate', value: { requestUpdate: 1 as const }, encode: encodeKeyUpdate, decode: decodeKeyUpdate },
] as const;

describe('every message', () => {
  for (const m of messages) {
    describe(m.name, () => {
      const encode = m.encode as (v: unknown) => Uint8Array;
      const decode = m.decode as (b: Uint8Array) => unknown;
      const bytes = encode(m.value);

      it('round-trips', () => {
        expect(decode(bytes)).toEqual(m.value);
        expect(toHex(encode(decode(bytes)))).toBe(toHex(bytes));
      });
      it('rejects every strict prefix', () => expectPrefixesRejected(decode, bytes));
      it('rejects trailing bytes', () => expectTrailingRejected(decode, bytes));
      it('returns copies that do not alias the input', () => {
        const input = bytes.slice();
        const before = JSON.stringify(decode(input), (_, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v));
        input.fill(0xee);
        const decodedAgain = decode(bytes);
        expect(JSON.stringify(decodedAgain, (_, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))).toBe(before);
      });
    });
  }
});

describe('extension blocks', () => {
  it('decode, find and encode', () => {
    const block = rawExtensionBlock([[ExtensionType.cookie, seq(3)], [ExtensionType.padding, new Uint8Array(0)]]);
    const r = new ByteReader(block, 'test');
    const exts = decodeExtensions(r);
    r.end();
    expect(exts.map((e) => e.type)).toEqual([ExtensionType.cookie, ExtensionType.padding]);
    expect(findExtension(exts, ExtensionType.cookie)).toEqual(seq(3));
    expect(findExtension(exts, ExtensionType.padding)).toEqual(new Uint8Array(0));
    expect(findExtension(exts, ExtensionType.key_share)).toBeUndefined();
    expect(unexpectedExtensions(exts, [ExtensionType.cookie])).toEqual([ExtensionType.padding]);
    const w = new ByteWriter();
    encodeExtensions(w, exts);
    expect(toHex(w.finish())).toBe(toHex(block));
  });

  it('reject a duplicate type with illegal_parameter', () => {
    expectAlert(() => decodeExtensions(new ByteReader(dupBlock)), 'illegal_parameter');
  });

  it('reject an extension whose length runs past the block', () => {
    // Block of 4 bytes holding a header that announces 1 byte of data.
    expectAlert(() => decodeExtensions(new ByteReader(Uint8Array.of(0, 4, 0, 0, 0, 1))), 'decode_error');
  });

  it('encoder refuses a block longer than 2^16-1 bytes', () => {
    const exts = [1, 2].map((type) => ({ type, data: seq(40000) }));
    expect(() => encodeExtensions(new ByteWriter(), exts)).toThrow(UsageError);
  });

  it('encoder refuses duplicates (a caller bug, not a peer error)', () => {
    const e = { type: ExtensionType.cookie, data: seq(1) };
    expect(() => encodeExtensions(new ByteWriter(), [e, e])).toThrow(UsageError);
  });
});

describe('handshake framing', () => {
  it('encodes type + u24 length + body, and decodes it back', () => {
    const body = seq(0x10203);
    const msg = encodeHandshake(HandshakeType.certificate, body);
    expect(toHex(msg.subarray(0, 4))).toBe('0b010203');
    expect(decodeHandshakeHeader(new ByteReader(msg))).toEqual({ type: HandshakeType.certificate, length: 0x10203 });
    const back = decodeHandshake(msg);
    expect(back.type).toBe(HandshakeType.certificate);
    expect(toHex(back.body)).toBe(toHex(body));
  });

  it('rejects every strict prefix and trailing bytes', () => {
    const msg = encodeHandshake(HandshakeType.key_update, encodeKeyUpdate({ requestUpdate: 0 }));
    expectPrefixesRejected(decodeHandshake, msg);
    expectTrailingRejected(decodeHandshake, msg);
  });

  it('message_hash wraps the ClientHello1 hash (RFC 8446 §4.4.1)', () => {
    const h = seq(32);
    expect(toHex(encodeMessageHash(h))).toBe(`fe000020${toHex(h)}`);
  });
});

describe('ClientHello rules', () => {
  const empty = encodeClientHello({ ...sampleClientHello(), extensions: [] });

  it('duplicate extension → illegal_parameter', () => {
    expectAlert(() => decodeClientHello(replaceExtensions(empty, dupBlock)), 'illegal_parameter');
  });

  it('pre_shared_key must be the last extension → illegal_parameter', () => {
    const psk = encodePreSharedKeyClientHello({ identities: [{ identity: seq(4), obfuscatedTicketAge: 1 }], binders: [seq(32)] });
    const ok = replaceExtensions(empty, rawExtensionBlock([[ExtensionType.early_data, new Uint8Array(0)], [ExtensionType.pre_shared_key, psk]]));
    expect(decodeClientHello(ok).extensions.length).toBe(2);
    const bad = replaceExtensions(empty, rawExtensionBlock([[ExtensionType.pre_shared_key, psk], [ExtensionType.early_data, new Uint8Array(0)]]));
    expectAlert(() => decodeClientHello(bad), 'illegal_parameter');
  });

  it('odd or empty cipher_suites, empty compression methods, a 33-byte session id → decode_error', () => {
    const ch = sampleClientHello();
    const body = encodeClientHello({ ...ch, legacySessionId: new Uint8Array(0), extensions: [] });
    // Offsets: version 2, random 32, session id length 1 (empty) → cipher_suites at 35.
    const suitesAt = 35;
    const odd = body.slice();
    odd[suitesAt + 1] = 3;
    expectAlert(() => decodeClientHello(odd), 'decode_error', 'odd list length');
    const noSuites = concat(body.subarray(0, suitesAt), Uint8Array.of(0, 0), body.subarray(suitesAt + 2 + 4));
    expectAlert(() => decodeClientHello(noSuites), 'decode_error', 'list is empty');
    const noCompression = concat(body.subarray(0, suitesAt + 6), Uint8Array.of(0), body.subarray(suitesAt + 6 + 2));
    expectAlert(() => decodeClientHello(noCompression), 'decode_error', 'outside 1..255');
    const longSid = concat(body.subarray(0, 34), Uint8Array.of(33), seq(33), body.subarray(35));
    expectAlert(() => decodeClientHello(longSid), 'decode_error', 'outside 0..32');
  });

  it('a missing extension block → decode_error', () => {
    expectAlert(() => decodeClientHello(empty.subarray(0, -2)), 'decode_error');
  });

  it('encoder refuses a short random or a long session id', () => {
    expect(() => encodeClientHello({ ...sampleClientHello(), random: seq(31) })).toThrow(UsageError);
    expect(() => encodeClientHello({ ...sampleClientHello(), legacySessionId: seq(33) })).toThrow(UsageError);
    expect(() => encodeClientHello({ ...sampleClientHello(), cipherSuites: [] })).toThrow(UsageError);
  });
});

describe('ServerHello rules', () => {
  it('legacy_compression_method other than 0 → illegal_parameter', () => {
    const bytes = encodeServerHello({ ...sampleServerHello(), legacyCompressionMethod: 1 });
    expectAlert(() => decodeServerHello(bytes), 'illegal_parameter');
  });

  it('duplicate extension → illegal_parameter', () => {
    const empty = encodeServerHello({ ...sampleServerHello(), extensions: [] });
    expectAlert(() => decodeServerHello(replaceExtensions(empty, dupBlock)), 'illegal_parameter');
  });

  it('HelloRetryRequest and downgrade sentinels', () => {
    const hrr = decodeServerHello(encodeServerHello({ ...sampleServerHello(), random: HELLO_RETRY_REQUEST_RANDOM.slice() }));
    expect(isHelloRetryRequest(hrr)).toBe(true);
    expect(isHelloRetryRequest(sampleServerHello())).toBe(false);
    expect(downgradeSentinel(concat(seq(24), DOWNGRADE_TLS12))).toBe('tls12');
    expect(downgradeSentinel(seq(32))).toBeUndefined();
  });
});

describe('other message rules', () => {
  it('CertificateRequest with no extensions → decode_error', () => {
    expectAlert(() => decodeCertificateRequest(Uint8Array.of(0, 0, 0)), 'decode_error', 'outside 2..');
  });

  it('Certificate: empty cert_data → decode_error; duplicate entry extension → illegal_parameter', () => {
    // context<0>, list<3+0+2>: one entry with cert_data of length 0 and no extensions.
    expectAlert(() => decodeCertificate(Uint8Array.of(0, 0, 0, 5, 0, 0, 0, 0, 0)), 'decode_error', 'outside 1..');
    const entry = concat(Uint8Array.of(0, 0, 1, 0x30), dupBlock);
    const body = concat(Uint8Array.of(0, 0, 0, entry.length), entry);
    expectAlert(() => decodeCertificate(body), 'illegal_parameter');
  });

  it('Certificate with an empty certificate_list decodes (a client without a certificate)', () => {
    expect(decodeCertificate(Uint8Array.of(0, 0, 0, 0))).toEqual({ certificateRequestContext: new Uint8Array(0), certificateList: [] });
  });

  it('Finished of the wrong length → decode_error', () => {
    expectAlert(() => decodeFinished(seq(32), 48), 'decode_error');
    expectAlert(() => decodeFinished(seq(49), 48), 'decode_error');
  });

  it('NewSessionTicket with an empty ticket → decode_error', () => {
    const bytes = encodeNewSessionTicket({ ...ticket, ticket: seq(1), extensions: [] });
    // lifetime 4, age_add 4, nonce 1+8, ticket length at 17.
    const broken = concat(bytes.subarray(0, 17), Uint8Array.of(0, 0), Uint8Array.of(0, 0));
    expectAlert(() => decodeNewSessionTicket(broken), 'decode_error', 'outside 1..65535');
  });

  it('KeyUpdate: values other than 0/1 → illegal_parameter; wrong size → decode_error', () => {
    expect(decodeKeyUpdate(Uint8Array.of(KeyUpdateRequest.update_not_requested))).toEqual({ requestUpdate: 0 });
    for (const v of [2, 0x80, 0xff]) expectAlert(() => decodeKeyUpdate(Uint8Array.of(v)), 'illegal_parameter');
    expectAlert(() => decodeKeyUpdate(Uint8Array.of(0, 0)), 'decode_error');
  });

  it('EndOfEarlyData is empty', () => {
    expect(encodeEndOfEarlyData().length).toBe(0);
    decodeEndOfEarlyData(encodeEndOfEarlyData());
    expectAlert(() => decodeEndOfEarlyData(Uint8Array.of(0)), 'decode_error');
  });
});

describe('alerts', () => {
  it('round-trip and reject other lengths', () => {
    expect(toHex(encodeAlert(2, 50))).toBe('0232');
    expect(decodeAlert(Uint8Array.of(1, 0))).toEqual({ level: 1, description: 0 });
    expectPrefixesRejected(decodeAlert, encodeAlert(2, 40));
    expectTrailingRejected(decodeAlert, encodeAlert(2, 40));
  });
});
