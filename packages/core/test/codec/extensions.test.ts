import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/bytes/writer.ts';
import { concat, toHex, utf8 } from '../../src/bytes/util.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme } from '../../src/codec/enums.ts';
import { decodeEmptyExtension, encodeEmptyExtension } from '../../src/codec/extensions/empty.ts';
import { decodeServerNameList, encodeServerNameList } from '../../src/codec/extensions/server-name.ts';
import { decodeNamedGroupList, encodeNamedGroupList } from '../../src/codec/extensions/supported-groups.ts';
import { decodeSignatureSchemeList, encodeSignatureSchemeList } from '../../src/codec/extensions/signature-algorithms.ts';
import {
  decodeSupportedVersionsClientHello,
  decodeSupportedVersionsServerHello,
  encodeSupportedVersionsClientHello,
  encodeSupportedVersionsServerHello,
} from '../../src/codec/extensions/supported-versions.ts';
import {
  decodeKeyShareClientHello,
  decodeKeyShareHelloRetryRequest,
  decodeKeyShareServerHello,
  encodeKeyShareClientHello,
  encodeKeyShareHelloRetryRequest,
  encodeKeyShareServerHello,
} from '../../src/codec/extensions/key-share.ts';
import { decodeCookie, encodeCookie } from '../../src/codec/extensions/cookie.ts';
import { decodePskKeyExchangeModes, encodePskKeyExchangeModes } from '../../src/codec/extensions/psk-key-exchange-modes.ts';
import { decodeProtocolNameList, decodeSelectedProtocol, encodeProtocolNameList, encodeSelectedProtocol } from '../../src/codec/extensions/alpn.ts';
import { decodeRecordSizeLimit, encodeRecordSizeLimit } from '../../src/codec/extensions/record-size-limit.ts';
import {
  decodePreSharedKeyClientHello,
  decodePreSharedKeyServerHello,
  encodePreSharedKeyClientHello,
  encodePreSharedKeyServerHello,
  pskBindersLength,
  truncateClientHelloForBinders,
} from '../../src/codec/extensions/pre-shared-key.ts';
import { decodeEarlyDataIndication, decodeMaxEarlyDataSize, encodeEarlyDataIndication, encodeMaxEarlyDataSize } from '../../src/codec/extensions/early-data.ts';
import { decodeCertificateAuthorities, encodeCertificateAuthorities } from '../../src/codec/extensions/certificate-authorities.ts';
import { decodeOidFilters, encodeOidFilters } from '../../src/codec/extensions/oid-filters.ts';
import { encodePadding } from '../../src/codec/extensions/padding.ts';
import { expectAlert, expectPrefixesRejected, expectTrailingRejected } from './helpers.ts';
import { seq } from './samples.ts';

const offered = {
  identities: [
    { identity: seq(20), obfuscatedTicketAge: 0xdeadbeef },
    { identity: seq(1, 9), obfuscatedTicketAge: 0 },
  ],
  binders: [seq(32, 1), seq(48, 2)],
};

/** Every extension codec with a sample value. */
const codecs = [
  { name: 'server_name', value: 'www.example.com', encode: encodeServerNameList, decode: decodeServerNameList },
  { name: 'supported_groups', value: [NamedGroup.x25519, NamedGroup.secp256r1, 0x0a0a], encode: encodeNamedGroupList, decode: decodeNamedGroupList },
  { name: 'signature_algorithms', value: [SignatureScheme.ed25519, SignatureScheme.rsa_pss_rsae_sha256], encode: encodeSignatureSchemeList, decode: decodeSignatureSchemeList },
  { name: 'supported_versions (ClientHello)', value: [0x7a7a, ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2], encode: encodeSupportedVersionsClientHello, decode: decodeSupportedVersionsClientHello },
  { name: 'supported_versions (ServerHello)', value: ProtocolVersion.TLS1_3, encode: encodeSupportedVersionsServerHello, decode: decodeSupportedVersionsServerHello },
  {
    name: 'key_share (ClientHello)',
    value: [{ group: NamedGroup.x25519, keyExchange: seq(32) }, { group: NamedGroup.secp256r1, keyExchange: seq(65, 4) }],
    encode: encodeKeyShareClientHello,
    decode: decodeKeyShareClientHello,
  },
  { name: 'key_share (ServerHello)', value: { group: NamedGroup.x25519, keyExchange: seq(32, 5) }, encode: encodeKeyShareServerHello, decode: decodeKeyShareServerHello },
  { name: 'key_share (HelloRetryRequest)', value: NamedGroup.secp384r1, encode: encodeKeyShareHelloRetryRequest, decode: decodeKeyShareHelloRetryRequest },
  { name: 'cookie', value: seq(40), encode: encodeCookie, decode: decodeCookie },
  { name: 'psk_key_exchange_modes', value: [PskKeyExchangeMode.psk_dhe_ke, PskKeyExchangeMode.psk_ke], encode: encodePskKeyExchangeModes, decode: decodePskKeyExchangeModes },
  { name: 'application_layer_protocol_negotiation', value: [utf8('h2'), utf8('http/1.1'), Uint8Array.of(0, 0xff)], encode: encodeProtocolNameList, decode: decodeProtocolNameList },
  { name: 'application_layer_protocol_negotiation (selected)', value: utf8('h2'), encode: encodeSelectedProtocol, decode: decodeSelectedProtocol },
  { name: 'record_size_limit', value: 16385, encode: encodeRecordSizeLimit, decode: decodeRecordSizeLimit },
  { name: 'pre_shared_key (ClientHello)', value: offered, encode: encodePreSharedKeyClientHello, decode: decodePreSharedKeyClientHello },
  { name: 'pre_shared_key (ServerHello)', value: 1, encode: encodePreSharedKeyServerHello, decode: decodePreSharedKeyServerHello },
  { name: 'early_data (NewSessionTicket)', value: 0xffffffff, encode: encodeMaxEarlyDataSize, decode: decodeMaxEarlyDataSize },
  { name: 'certificate_authorities', value: [seq(60), seq(1, 3)], encode: encodeCertificateAuthorities, decode: decodeCertificateAuthorities },
  {
    name: 'oid_filters',
    value: [{ certificateExtensionOid: Uint8Array.of(0x55, 0x1d, 0x25), certificateExtensionValues: seq(12) }, { certificateExtensionOid: seq(1), certificateExtensionValues: new Uint8Array(0) }],
    encode: encodeOidFilters,
    decode: decodeOidFilters,
  },
] as const;

describe('every extension', () => {
  for (const c of codecs) {
    describe(c.name, () => {
      const encode = c.encode as (v: unknown) => Uint8Array;
      const decode = c.decode as (b: Uint8Array) => unknown;
      const bytes = encode(c.value);
      it('round-trips', () => {
        expect(decode(bytes)).toEqual(c.value);
        expect(toHex(encode(decode(bytes)))).toBe(toHex(bytes));
      });
      it('rejects every strict prefix', () => expectPrefixesRejected(decode, bytes));
      it('rejects trailing bytes', () => expectTrailingRejected(decode, bytes));
    });
  }

  it('empty extensions (server_name echo, early_data indication) are empty', () => {
    expect(encodeEmptyExtension().length).toBe(0);
    expect(encodeEarlyDataIndication().length).toBe(0);
    decodeEmptyExtension(new Uint8Array(0));
    decodeEarlyDataIndication(new Uint8Array(0));
    expectAlert(() => decodeEmptyExtension(Uint8Array.of(0)), 'decode_error');
    expectAlert(() => decodeEarlyDataIndication(Uint8Array.of(0, 0, 0, 0)), 'decode_error');
  });

  it('padding is zeros', () => {
    expect(encodePadding(5)).toEqual(new Uint8Array(5));
  });
});

/** A u16-prefixed list of u8-typed, u16-prefixed server names. */
function serverNames(entries: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const w = new ByteWriter();
  w.prefixed(2, (l) => {
    for (const [t, n] of entries) l.u8(t).vec16(n);
  });
  return w.finish();
}

describe('server_name', () => {
  it('skips other name types, and requires exactly one host_name', () => {
    expect(decodeServerNameList(serverNames([[7, seq(3)], [0, utf8('a.example')]]))).toBe('a.example');
    expectAlert(() => decodeServerNameList(serverNames([[0, utf8('a.example')], [0, utf8('b.example')]])), 'illegal_parameter', 'more than one');
    expectAlert(() => decodeServerNameList(serverNames([[7, seq(3)]])), 'illegal_parameter', 'no host_name');
  });
  it('rejects an empty list or name', () => {
    expectAlert(() => decodeServerNameList(Uint8Array.of(0, 0)), 'decode_error');
    expectAlert(() => decodeServerNameList(serverNames([[0, new Uint8Array(0)]])), 'decode_error');
  });
  it('rejects names that are not printable ASCII, or end in a dot', () => {
    for (const bad of [utf8('bücher.example'), utf8('a b'), Uint8Array.of(0x61, 0), utf8('example.com.')]) {
      expectAlert(() => decodeServerNameList(serverNames([[0, bad]])), 'illegal_parameter');
    }
  });
  it('encoder refuses U-labels, spaces and trailing dots', () => {
    for (const bad of ['bücher.example', 'a b', 'example.com.', '']) expect(() => encodeServerNameList(bad)).toThrow(UsageError);
  });
});

describe('u16 lists', () => {
  const lists = [
    ['supported_groups', decodeNamedGroupList],
    ['signature_algorithms', decodeSignatureSchemeList],
  ] as const;
  for (const [name, decode] of lists) {
    it(`${name}: empty or odd → decode_error`, () => {
      expectAlert(() => decode(Uint8Array.of(0, 0)), 'decode_error', 'empty');
      expectAlert(() => decode(Uint8Array.of(0, 3, 0, 0x1d, 0)), 'decode_error', 'odd');
    });
  }
  it('supported_versions (ClientHello): empty or odd → decode_error', () => {
    expectAlert(() => decodeSupportedVersionsClientHello(Uint8Array.of(0)), 'decode_error', 'empty');
    expectAlert(() => decodeSupportedVersionsClientHello(Uint8Array.of(3, 3, 4, 3)), 'decode_error', 'odd');
  });
  it('encoders refuse empty lists and values outside u16', () => {
    expect(() => encodeNamedGroupList([])).toThrow(UsageError);
    expect(() => encodeSignatureSchemeList([0x10000])).toThrow(UsageError);
    expect(() => encodeSupportedVersionsClientHello(Array(128).fill(0x0304))).toThrow(UsageError);
  });
});

describe('key_share', () => {
  it('ClientHello: an empty list is legal (asking for a HelloRetryRequest)', () => {
    expect(decodeKeyShareClientHello(encodeKeyShareClientHello([]))).toEqual([]);
  });
  it('ClientHello: two shares for one group → illegal_parameter', () => {
    const w = new ByteWriter();
    w.prefixed(2, (l) => l.u16(NamedGroup.x25519).vec16(seq(32)).u16(NamedGroup.x25519).vec16(seq(32)));
    expectAlert(() => decodeKeyShareClientHello(w.finish()), 'illegal_parameter', 'two shares');
    expect(() => encodeKeyShareClientHello([{ group: 1, keyExchange: seq(1) }, { group: 1, keyExchange: seq(2) }])).toThrow(UsageError);
  });
  it('an empty key_exchange → illegal_parameter (RFC 8446 §4.2.8), for known and unknown groups', () => {
    expectAlert(() => decodeKeyShareClientHello(Uint8Array.of(0, 4, 0, 0x1d, 0, 0)), 'illegal_parameter');
    expectAlert(() => decodeKeyShareClientHello(Uint8Array.of(0, 4, 0x12, 0x34, 0, 0)), 'illegal_parameter');
    expectAlert(() => decodeKeyShareServerHello(Uint8Array.of(0, 0x1d, 0, 0)), 'illegal_parameter');
  });

  it('a key_exchange of the wrong length for its group → illegal_parameter, in any entry', () => {
    const entry = (group: number, length: number): number[] => [group >> 8, group & 0xff, length >> 8, length & 0xff, ...new Array<number>(length).fill(4)];
    const list = (...entries: number[][]): Uint8Array => {
      const body = entries.flat();
      return Uint8Array.of(body.length >> 8, body.length & 0xff, ...body);
    };
    for (const [group, good] of [[0x17, 65], [0x18, 97], [0x19, 133], [0x1d, 32], [0x1e, 56]] as const) {
      expect(decodeKeyShareClientHello(list(entry(group, good)))[0]!.keyExchange).toHaveLength(good);
      for (const bad of [1, good - 1, good + 1]) {
        expectAlert(() => decodeKeyShareClientHello(list(entry(0x1d, 32), entry(group === 0x1d ? 0x17 : group, group === 0x1d ? 64 : bad))), 'illegal_parameter');
        expectAlert(() => decodeKeyShareServerHello(Uint8Array.of(...entry(group, bad))), 'illegal_parameter');
      }
    }
    // A group of unknown size takes any non-empty share.
    expect(decodeKeyShareClientHello(list(entry(0x11ec, 1216)))[0]!.keyExchange).toHaveLength(1216);
  });
});

describe('small extensions', () => {
  it('cookie and psk_key_exchange_modes must not be empty', () => {
    expectAlert(() => decodeCookie(Uint8Array.of(0, 0)), 'decode_error');
    expectAlert(() => decodePskKeyExchangeModes(Uint8Array.of(0)), 'decode_error');
    expect(() => encodeCookie(new Uint8Array(0))).toThrow(UsageError);
  });
  it('record_size_limit below 64 → illegal_parameter', () => {
    expect(decodeRecordSizeLimit(Uint8Array.of(0, 64))).toBe(64);
    expectAlert(() => decodeRecordSizeLimit(Uint8Array.of(0, 63)), 'illegal_parameter');
    expectAlert(() => decodeRecordSizeLimit(Uint8Array.of(0, 0)), 'illegal_parameter');
    expect(() => encodeRecordSizeLimit(63)).toThrow(UsageError);
  });
  it('certificate_authorities: empty list or name → decode_error', () => {
    expectAlert(() => decodeCertificateAuthorities(Uint8Array.of(0, 0)), 'decode_error');
    expectAlert(() => decodeCertificateAuthorities(Uint8Array.of(0, 3, 0, 0, 0)), 'decode_error');
  });
});

describe('application_layer_protocol_negotiation', () => {
  it('empty list or name → decode_error', () => {
    expectAlert(() => decodeProtocolNameList(Uint8Array.of(0, 0)), 'decode_error');
    expectAlert(() => decodeProtocolNameList(Uint8Array.of(0, 3, 0, 1, 0x61)), 'decode_error');
    expect(() => encodeProtocolNameList([])).toThrow(UsageError);
    expect(() => encodeProtocolNameList([new Uint8Array(0)])).toThrow(UsageError);
  });
  it('the server selects exactly one name', () => {
    expectAlert(() => decodeSelectedProtocol(encodeProtocolNameList([utf8('h2'), utf8('http/1.1')])), 'illegal_parameter');
  });
});

describe('pre_shared_key', () => {
  it('identities and binders must pair up → illegal_parameter', () => {
    const w = new ByteWriter();
    w.prefixed(2, (l) => l.vec16(seq(4)).u32(0).vec16(seq(4)).u32(0));
    w.prefixed(2, (l) => l.vec8(seq(32)));
    expectAlert(() => decodePreSharedKeyClientHello(w.finish()), 'illegal_parameter', '2 identities but 1 binders');
    expect(() => encodePreSharedKeyClientHello({ identities: offered.identities, binders: [seq(32)] })).toThrow(UsageError);
  });
  it('a binder shorter than 32 bytes or an empty identity → decode_error', () => {
    const short = new ByteWriter();
    short.prefixed(2, (l) => l.vec16(seq(4)).u32(0));
    short.prefixed(2, (l) => l.vec8(seq(31)).bytes(seq(2)));
    expectAlert(() => decodePreSharedKeyClientHello(short.finish()), 'decode_error');
    const emptyId = new ByteWriter();
    emptyId.prefixed(2, (l) => l.vec16(new Uint8Array(0)).u32(0).bytes(seq(1)));
    emptyId.prefixed(2, (l) => l.vec8(seq(32)));
    expectAlert(() => decodePreSharedKeyClientHello(emptyId.finish()), 'decode_error');
  });
  it('binders length is the tail of the encoding', () => {
    const bytes = encodePreSharedKeyClientHello(offered);
    const n = pskBindersLength(offered.binders);
    expect(n).toBe(2 + 33 + 49);
    const fakeMessage = concat(seq(10), bytes);
    expect(truncateClientHelloForBinders(fakeMessage, offered.binders).length).toBe(fakeMessage.length - n);
    // What is cut off decodes as the binders list.
    expect(toHex(fakeMessage.subarray(fakeMessage.length - n, fakeMessage.length - n + 3))).toBe('005220');
  });
});

describe('encoders refuse oversized input with UsageError', () => {
  it('lists longer than their length prefix', () => {
    expect(() => encodeCertificateAuthorities([seq(40000), seq(40000)])).toThrow(UsageError);
    expect(() => encodeKeyShareClientHello([{ group: 1, keyExchange: seq(40000) }, { group: 2, keyExchange: seq(40000) }])).toThrow(UsageError);
    expect(() => encodeProtocolNameList(Array.from({ length: 300 }, () => seq(255)))).toThrow(UsageError);
    expect(() => encodeCookie(seq(0x10000))).toThrow(UsageError);
  });
});
