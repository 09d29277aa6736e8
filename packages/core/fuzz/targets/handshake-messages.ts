/**
 * Every handshake message and extension decoder (RFC 8446 §4, and the TLS 1.2 ones of RFC 8422
 * and RFC 5746): the first byte picks the
 * decoder, the rest is its input. Decoders are total: bad bytes are a `TlsError`.
 */
import * as codec from '../../src/codec/index.ts';
import { ByteReader } from '../../src/bytes/reader.ts';
import { expectTyped } from '../harness.ts';

const DECODERS: readonly ((body: Uint8Array) => unknown)[] = [
  codec.decodeClientHello,
  codec.decodeServerHello,
  codec.decodeEncryptedExtensions,
  codec.decodeCertificateRequest,
  codec.decodeCertificate,
  codec.decodeCertificateVerify,
  (b) => codec.decodeFinished(b, 32),
  (b) => codec.decodeFinished(b, 48),
  codec.decodeNewSessionTicket,
  codec.decodeKeyUpdate,
  codec.decodeEndOfEarlyData,
  codec.decodeHandshake,
  codec.decodeAlert,
  (b) => codec.decodeExtensions(new ByteReader(b)),
  codec.decodeProtocolNameList,
  codec.decodeSelectedProtocol,
  codec.decodeCertificateAuthorities,
  codec.decodeCookie,
  codec.decodeEarlyDataIndication,
  codec.decodeMaxEarlyDataSize,
  codec.decodeEmptyExtension,
  codec.decodeKeyShareClientHello,
  codec.decodeKeyShareServerHello,
  codec.decodeKeyShareHelloRetryRequest,
  codec.decodeOidFilters,
  codec.decodePreSharedKeyClientHello,
  codec.decodePreSharedKeyServerHello,
  codec.decodePskKeyExchangeModes,
  codec.decodeRecordSizeLimit,
  codec.decodeServerNameList,
  codec.decodeSignatureSchemeList,
  codec.decodeNamedGroupList,
  codec.decodeSupportedVersionsClientHello,
  codec.decodeSupportedVersionsServerHello,
  // TLS 1.2 (appended: the seeds name decoders by index)
  codec.decodeServerKeyExchangeEcdhe,
  codec.decodeClientKeyExchangeEcdhe,
  codec.decodeEcPointFormats,
  codec.decodeRenegotiationInfo,
  codec.decodeCertificate12,
  codec.decodeCertificateRequest12,
  codec.decodeNewSessionTicket12,
];

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const decode = DECODERS[data[0]! % DECODERS.length]!;
  expectTyped(() => decode(data.subarray(1)));
}
