import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from '../../src/bytes/reader.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { parseRfc8448, traceValue, type TraceStep } from '../../src/testing/rfc8448.ts';
import { ExtensionType } from '../../src/codec/enums.ts';
import { decodeExtensions, encodeExtensions, findExtension, type Extension } from '../../src/codec/extension.ts';
import { encodeWith } from '../../src/bytes/writer.ts';
import { decodeHandshake, decodeHandshakeHeader } from '../../src/codec/handshake.ts';
import { decodeAlert } from '../../src/codec/alert.ts';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.ts';
import { decodeServerHello } from '../../src/codec/messages/server-hello.ts';
import { decodeEncryptedExtensions } from '../../src/codec/messages/encrypted-extensions.ts';
import { decodeCertificateRequest } from '../../src/codec/messages/certificate-request.ts';
import { decodeCertificate } from '../../src/codec/messages/certificate.ts';
import { decodeCertificateVerify } from '../../src/codec/messages/certificate-verify.ts';
import { decodeFinished } from '../../src/codec/messages/finished.ts';
import { decodeNewSessionTicket } from '../../src/codec/messages/new-session-ticket.ts';
import { decodeKeyUpdate } from '../../src/codec/messages/key-update.ts';
import { decodeEndOfEarlyData } from '../../src/codec/messages/end-of-early-data.ts';
import { decodeEmptyExtension } from '../../src/codec/extensions/empty.ts';
import { decodeServerNameList } from '../../src/codec/extensions/server-name.ts';
import { decodeNamedGroupList } from '../../src/codec/extensions/supported-groups.ts';
import { decodeSignatureSchemeList } from '../../src/codec/extensions/signature-algorithms.ts';
import { decodeSupportedVersionsClientHello, decodeSupportedVersionsServerHello } from '../../src/codec/extensions/supported-versions.ts';
import { decodeKeyShareClientHello, decodeKeyShareHelloRetryRequest, decodeKeyShareServerHello } from '../../src/codec/extensions/key-share.ts';
import { decodeCookie } from '../../src/codec/extensions/cookie.ts';
import { decodePskKeyExchangeModes } from '../../src/codec/extensions/psk-key-exchange-modes.ts';
import { decodeProtocolNameList, decodeSelectedProtocol, encodeProtocolNameList } from '../../src/codec/extensions/alpn.ts';
import { decodeRecordSizeLimit } from '../../src/codec/extensions/record-size-limit.ts';
import { decodePreSharedKeyClientHello, decodePreSharedKeyServerHello } from '../../src/codec/extensions/pre-shared-key.ts';
import { decodeEarlyDataIndication, decodeMaxEarlyDataSize } from '../../src/codec/extensions/early-data.ts';
import { decodeCertificateAuthorities, encodeCertificateAuthorities } from '../../src/codec/extensions/certificate-authorities.ts';
import { decodeOidFilters, encodeOidFilters } from '../../src/codec/extensions/oid-filters.ts';
import { expectOnlyTlsErrors } from './helpers.ts';
import { sampleClientExtensions, sampleClientHello, seq } from './samples.ts';

const steps: TraceStep[] = parseRfc8448(readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8'));
const body = (section: string, actor: 'client' | 'server', title: string, label: string, n = 0): Uint8Array =>
  decodeHandshake(traceValue(steps, section, actor, title, label, n)).body;

const ch3 = body('3', 'client', 'construct a ClientHello', 'ClientHello');
const ch4 = decodeHandshake(traceValue(steps, '4', 'client', 'send handshake record', 'payload')).body;
const sh3 = body('3', 'server', 'construct a ServerHello', 'ServerHello');
const hrr5 = body('5', 'server', 'construct a ServerHello', 'ServerHello');
const chExts = decodeClientHello(ch4).extensions;
const shExts = decodeServerHello(sh3).extensions;
const hrrExts = decodeServerHello(hrr5).extensions;
const nstExts = decodeNewSessionTicket(body('3', 'server', 'construct a NewSessionTicket', 'NewSessionTicket')).extensions;
const data = (exts: Extension[], type: number): Uint8Array[] => {
  const d = findExtension(exts, type);
  return d === undefined ? [] : [d];
};

/** Every decoder, each with valid encodings to mutate. */
const decoders: [string, (b: Uint8Array) => unknown, Uint8Array[]][] = [
  ['handshake framing', decodeHandshake, [traceValue(steps, '3', 'client', 'construct a ClientHello', 'ClientHello')]],
  ['handshake header', (b) => decodeHandshakeHeader(new ByteReader(b)), []],
  ['extension block', (b) => decodeExtensions(new ByteReader(b)), [encodeWith((w) => encodeExtensions(w, sampleClientExtensions))]],
  ['alert', decodeAlert, [Uint8Array.of(2, 40)]],
  ['ClientHello', decodeClientHello, [ch3, ch4, encodeClientHello(sampleClientHello())]],
  ['ServerHello', decodeServerHello, [sh3, hrr5]],
  ['EncryptedExtensions', decodeEncryptedExtensions, [body('3', 'server', 'construct a EncryptedExtensions', 'EncryptedExtensions')]],
  ['CertificateRequest', decodeCertificateRequest, [body('6', 'server', 'construct a CertificateRequest', 'CertificateRequest')]],
  ['Certificate', decodeCertificate, [body('3', 'server', 'construct a Certificate', 'Certificate')]],
  ['CertificateVerify', decodeCertificateVerify, [body('3', 'server', 'construct a CertificateVerify', 'CertificateVerify')]],
  ['Finished', (b) => decodeFinished(b, 32), [body('3', 'server', 'construct a Finished', 'Finished')]],
  ['NewSessionTicket', decodeNewSessionTicket, [body('3', 'server', 'construct a NewSessionTicket', 'NewSessionTicket')]],
  ['KeyUpdate', decodeKeyUpdate, [Uint8Array.of(1)]],
  ['EndOfEarlyData', decodeEndOfEarlyData, []],
  ['empty extension', decodeEmptyExtension, []],
  ['server_name', decodeServerNameList, data(chExts, ExtensionType.server_name)],
  ['supported_groups', decodeNamedGroupList, data(chExts, ExtensionType.supported_groups)],
  ['signature_algorithms', decodeSignatureSchemeList, data(chExts, ExtensionType.signature_algorithms)],
  ['supported_versions (ClientHello)', decodeSupportedVersionsClientHello, data(chExts, ExtensionType.supported_versions)],
  ['supported_versions (ServerHello)', decodeSupportedVersionsServerHello, data(shExts, ExtensionType.supported_versions)],
  ['key_share (ClientHello)', decodeKeyShareClientHello, data(chExts, ExtensionType.key_share)],
  ['key_share (ServerHello)', decodeKeyShareServerHello, data(shExts, ExtensionType.key_share)],
  ['key_share (HelloRetryRequest)', decodeKeyShareHelloRetryRequest, data(hrrExts, ExtensionType.key_share)],
  ['cookie', decodeCookie, data(hrrExts, ExtensionType.cookie)],
  ['psk_key_exchange_modes', decodePskKeyExchangeModes, data(chExts, ExtensionType.psk_key_exchange_modes)],
  ['application_layer_protocol_negotiation', decodeProtocolNameList, [encodeProtocolNameList([seq(2), seq(8)])]],
  ['application_layer_protocol_negotiation (selected)', decodeSelectedProtocol, [encodeProtocolNameList([seq(2)])]],
  ['record_size_limit', decodeRecordSizeLimit, data(chExts, ExtensionType.record_size_limit)],
  ['pre_shared_key (ClientHello)', decodePreSharedKeyClientHello, data(chExts, ExtensionType.pre_shared_key)],
  ['pre_shared_key (ServerHello)', decodePreSharedKeyServerHello, [Uint8Array.of(0, 0)]],
  ['early_data (indication)', decodeEarlyDataIndication, []],
  ['early_data (max_early_data_size)', decodeMaxEarlyDataSize, data(nstExts, ExtensionType.early_data)],
  ['certificate_authorities', decodeCertificateAuthorities, [encodeCertificateAuthorities([seq(30), seq(5)])]],
  ['oid_filters', decodeOidFilters, [encodeOidFilters([{ certificateExtensionOid: seq(3), certificateExtensionValues: seq(4) }])]],
];

describe('random and mutated bytes end in a TlsError or a value, nothing else', () => {
  for (const [name, decode, seeds] of decoders) {
    it(name, () => expectOnlyTlsErrors(decode, seeds));
  }

  it('decoders never return for bytes that an outer length does not cover (no over-read)', () => {
    // A ClientHello inside a larger buffer: a view of exactly the body decodes, a view one short fails.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), (junk) => {
        const buf = new Uint8Array(ch3.length + junk.length);
        buf.set(ch3);
        buf.set(junk, ch3.length);
        decodeClientHello(buf.subarray(0, ch3.length));
        try {
          decodeClientHello(buf.subarray(0, ch3.length - 1));
          return false;
        } catch (e) {
          return e instanceof TlsError;
        }
      }),
      { numRuns: 50 },
    );
  });
});
