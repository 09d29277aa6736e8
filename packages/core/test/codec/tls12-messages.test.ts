// The TLS 1.2 ECDHE messages and extensions: golden bytes built from the RFC structs, round
// trips, every strict prefix and a trailing byte rejected, and the rules each RFC states.
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import {
  decodeClientKeyExchangeEcdhe,
  decodeEmptyMessage,
  decodeServerKeyExchangeEcdhe,
  encodeClientKeyExchangeEcdhe,
  encodeServerKeyExchangeEcdhe,
} from '../../src/codec/messages/key-exchange12.ts';
import { decodeEcPointFormats, decodeRenegotiationInfo, encodeEcPointFormats, encodeRenegotiationInfo } from '../../src/codec/extensions/tls12.ts';
import { HandshakeType, NamedGroup, SignatureScheme } from '../../src/codec/enums.ts';
import { TlsError } from '../../src/errors/tls-error.ts';

const point = new Uint8Array(32).fill(0x42); // an x25519 share
const signature = new Uint8Array(71).fill(0x30);

function expectAlert(f: () => unknown, alert: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    expect((e as TlsError).alertName).toBe(alert);
    return;
  }
  expect.fail(`expected ${alert}`);
}

/** Every strict prefix and one trailing byte: decode_error. */
function strict(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  for (let n = 0; n < bytes.length; n++) expectAlert(() => decode(bytes.subarray(0, n)), 'decode_error');
  expectAlert(() => decode(concat(bytes, Uint8Array.of(0))), 'decode_error');
}

describe('ServerKeyExchange (ECDHE, RFC 8422 §5.4)', () => {
  const ske = { group: NamedGroup.x25519, publicKey: point, algorithm: SignatureScheme.ecdsa_secp256r1_sha256, signature };
  const golden = concat(Uint8Array.of(3, 0x00, 0x1d, 32), point, Uint8Array.of(0x04, 0x03, 0, 71), signature);

  it('encodes to the struct bytes and decodes back, with the signed params', () => {
    expect(encodeServerKeyExchangeEcdhe(ske)).toEqual(golden);
    const decoded = decodeServerKeyExchangeEcdhe(golden);
    expect(decoded).toMatchObject(ske);
    expect(decoded.params).toEqual(golden.subarray(0, 4 + 32));
  });

  it('rejects every strict prefix and trailing bytes; an explicit curve is illegal_parameter; an empty point decode_error', () => {
    strict(golden, decodeServerKeyExchangeEcdhe);
    const explicit = golden.slice();
    explicit[0] = 1; // explicit_prime
    expectAlert(() => decodeServerKeyExchangeEcdhe(explicit), 'illegal_parameter');
    expectAlert(() => decodeServerKeyExchangeEcdhe(concat(Uint8Array.of(3, 0x00, 0x1d, 0), Uint8Array.of(0x04, 0x03, 0, 0))), 'decode_error');
  });
});

describe('ClientKeyExchange (ECDHE, RFC 8422 §5.7), ServerHelloDone', () => {
  it('encodes the point with its length, decodes back, rejects prefixes, trailing bytes and an empty point', () => {
    const golden = concat(Uint8Array.of(32), point);
    expect(encodeClientKeyExchangeEcdhe(point)).toEqual(golden);
    expect(decodeClientKeyExchangeEcdhe(golden)).toEqual(point);
    strict(golden, decodeClientKeyExchangeEcdhe);
    expectAlert(() => decodeClientKeyExchangeEcdhe(Uint8Array.of(0)), 'decode_error');
  });

  it('ServerHelloDone is empty', () => {
    expect(() => decodeEmptyMessage(new Uint8Array(0), 'ServerHelloDone')).not.toThrow();
    expectAlert(() => decodeEmptyMessage(Uint8Array.of(0), 'ServerHelloDone'), 'decode_error');
    expect([HandshakeType.server_key_exchange, HandshakeType.server_hello_done, HandshakeType.client_key_exchange]).toEqual([12, 14, 16]);
  });
});

describe('ec_point_formats and renegotiation_info', () => {
  it('ec_point_formats: [uncompressed] by default; a list without it is illegal_parameter (RFC 8422 §5.1.2)', () => {
    expect(encodeEcPointFormats()).toEqual(Uint8Array.of(1, 0));
    expect(decodeEcPointFormats(Uint8Array.of(3, 0, 1, 2))).toEqual([0, 1, 2]);
    expectAlert(() => decodeEcPointFormats(Uint8Array.of(1, 1)), 'illegal_parameter');
    strict(Uint8Array.of(1, 0), decodeEcPointFormats);
  });

  it('renegotiation_info: empty on an initial handshake (RFC 5746 §3.4), the verify_data of a renegotiation otherwise', () => {
    expect(encodeRenegotiationInfo()).toEqual(Uint8Array.of(0));
    expect(decodeRenegotiationInfo(Uint8Array.of(0))).toEqual(new Uint8Array(0));
    const verifyData = new Uint8Array(24).fill(9);
    expect(decodeRenegotiationInfo(encodeRenegotiationInfo(verifyData))).toEqual(verifyData);
    strict(Uint8Array.of(0), decodeRenegotiationInfo);
  });
});
