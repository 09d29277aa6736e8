import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRfc8448, traceValue } from '../../src/testing/rfc8448.ts';
import { concat, toHex, utf8 } from '../../src/bytes/util.ts';
import { CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme } from '../../src/codec/enums.ts';
import { decodeHandshake, encodeHandshake } from '../../src/codec/handshake.ts';
import { findExtension } from '../../src/codec/extension.ts';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.ts';
import { decodeServerHello, encodeServerHello, HELLO_RETRY_REQUEST_RANDOM, isHelloRetryRequest } from '../../src/codec/messages/server-hello.ts';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from '../../src/codec/messages/encrypted-extensions.ts';
import { decodeCertificate, encodeCertificate } from '../../src/codec/messages/certificate.ts';
import { decodeCertificateVerify, encodeCertificateVerify } from '../../src/codec/messages/certificate-verify.ts';
import { decodeFinished, encodeFinished } from '../../src/codec/messages/finished.ts';
import { decodeNewSessionTicket, encodeNewSessionTicket } from '../../src/codec/messages/new-session-ticket.ts';
import { decodeCertificateRequest, encodeCertificateRequest } from '../../src/codec/messages/certificate-request.ts';
import { decodeEndOfEarlyData } from '../../src/codec/messages/end-of-early-data.ts';
import { decodeServerNameList } from '../../src/codec/extensions/server-name.ts';
import { decodeNamedGroupList } from '../../src/codec/extensions/supported-groups.ts';
import { decodeSignatureSchemeList } from '../../src/codec/extensions/signature-algorithms.ts';
import { decodeSupportedVersionsClientHello, decodeSupportedVersionsServerHello } from '../../src/codec/extensions/supported-versions.ts';
import { decodeKeyShareClientHello, decodeKeyShareHelloRetryRequest, decodeKeyShareServerHello } from '../../src/codec/extensions/key-share.ts';
import { decodeCookie } from '../../src/codec/extensions/cookie.ts';
import { decodePskKeyExchangeModes } from '../../src/codec/extensions/psk-key-exchange-modes.ts';
import { decodeRecordSizeLimit } from '../../src/codec/extensions/record-size-limit.ts';
import { decodeEmptyExtension } from '../../src/codec/extensions/empty.ts';
import { decodeEarlyDataIndication, decodeMaxEarlyDataSize } from '../../src/codec/extensions/early-data.ts';
import {
  decodePreSharedKeyClientHello,
  decodePreSharedKeyServerHello,
  encodePskBinders,
  pskBindersLength,
  truncateClientHelloForBinders,
} from '../../src/codec/extensions/pre-shared-key.ts';
import { sha256 } from '@noble/hashes/sha2.js';

const steps = parseRfc8448(readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8'));

/** A trace's handshake message split into its framing and body, checking the framing re-encodes. */
function message(section: string, actor: 'client' | 'server', title: string, label: string, n = 0): { full: Uint8Array; type: number; body: Uint8Array } {
  const full = traceValue(steps, section, actor, title, label, n);
  const { type, body } = decodeHandshake(full);
  expect(toHex(encodeHandshake(type, body))).toBe(toHex(full));
  return { full, type, body };
}

function ext(exts: Parameters<typeof findExtension>[0], type: number): Uint8Array {
  const data = findExtension(exts, type);
  if (data === undefined) expect.fail(`extension ${type} missing`);
  return data;
}

describe('RFC 8448 §3 simple 1-RTT handshake', () => {
  it('ClientHello', () => {
    const { type, body } = message('3', 'client', 'construct a ClientHello', 'ClientHello');
    expect(type).toBe(HandshakeType.client_hello);
    const ch = decodeClientHello(body);
    expect(ch.legacyVersion).toBe(ProtocolVersion.TLS1_2);
    expect(ch.legacySessionId.length).toBe(0);
    expect(ch.cipherSuites).toEqual([CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384]);
    expect(ch.legacyCompressionMethods).toEqual([0]);
    expect(toHex(ch.random)).toBe(toHex(body.subarray(2, 34)));

    expect(decodeServerNameList(ext(ch.extensions, ExtensionType.server_name))).toBe('server');
    expect(decodeNamedGroupList(ext(ch.extensions, ExtensionType.supported_groups))).toEqual([
      NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1,
      NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096, NamedGroup.ffdhe6144, NamedGroup.ffdhe8192,
    ]);
    const shares = decodeKeyShareClientHello(ext(ch.extensions, ExtensionType.key_share));
    expect(shares.length).toBe(1);
    expect(shares[0]!.group).toBe(NamedGroup.x25519);
    expect(toHex(shares[0]!.keyExchange)).toBe(toHex(traceValue(steps, '3', 'client', 'create an ephemeral x25519 key pair', 'public key')));
    expect(decodeSupportedVersionsClientHello(ext(ch.extensions, ExtensionType.supported_versions))).toEqual([ProtocolVersion.TLS1_3]);
    const sigs = decodeSignatureSchemeList(ext(ch.extensions, ExtensionType.signature_algorithms));
    expect(sigs.length).toBe(15);
    expect(sigs[0]).toBe(SignatureScheme.ecdsa_secp256r1_sha256);
    expect(sigs).toContain(SignatureScheme.rsa_pss_rsae_sha256);
    expect(decodePskKeyExchangeModes(ext(ch.extensions, ExtensionType.psk_key_exchange_modes))).toEqual([PskKeyExchangeMode.psk_dhe_ke]);
    expect(decodeRecordSizeLimit(ext(ch.extensions, ExtensionType.record_size_limit))).toBe(0x4001);
    expect(ch.extensions.map((e) => e.type)).toContain(ExtensionType.renegotiation_info);

    expect(toHex(encodeClientHello(ch))).toBe(toHex(body));
  });

  it('ServerHello', () => {
    const { type, body } = message('3', 'server', 'construct a ServerHello', 'ServerHello');
    expect(type).toBe(HandshakeType.server_hello);
    const sh = decodeServerHello(body);
    expect(isHelloRetryRequest(sh)).toBe(false);
    expect(sh.cipherSuite).toBe(CipherSuite.TLS_AES_128_GCM_SHA256);
    expect(sh.legacyCompressionMethod).toBe(0);
    expect(decodeSupportedVersionsServerHello(ext(sh.extensions, ExtensionType.supported_versions))).toBe(ProtocolVersion.TLS1_3);
    const share = decodeKeyShareServerHello(ext(sh.extensions, ExtensionType.key_share));
    expect(share.group).toBe(NamedGroup.x25519);
    expect(toHex(share.keyExchange)).toBe(toHex(traceValue(steps, '3', 'server', 'create an ephemeral x25519 key pair', 'public key')));
    expect(toHex(encodeServerHello(sh))).toBe(toHex(body));
  });

  it('EncryptedExtensions', () => {
    const { type, body } = message('3', 'server', 'construct a EncryptedExtensions', 'EncryptedExtensions');
    expect(type).toBe(HandshakeType.encrypted_extensions);
    const ee = decodeEncryptedExtensions(body);
    expect(ee.extensions.map((e) => e.type)).toEqual([ExtensionType.supported_groups, ExtensionType.record_size_limit, ExtensionType.server_name]);
    decodeEmptyExtension(ext(ee.extensions, ExtensionType.server_name));
    expect(decodeRecordSizeLimit(ext(ee.extensions, ExtensionType.record_size_limit))).toBe(0x4001);
    expect(toHex(encodeEncryptedExtensions(ee))).toBe(toHex(body));
  });

  it('Certificate', () => {
    const { type, body } = message('3', 'server', 'construct a Certificate', 'Certificate');
    expect(type).toBe(HandshakeType.certificate);
    const c = decodeCertificate(body);
    expect(c.certificateRequestContext.length).toBe(0);
    expect(c.certificateList.length).toBe(1);
    const cert = c.certificateList[0]!.certData;
    expect(cert[0]).toBe(0x30); // a DER SEQUENCE
    expect(cert.length).toBe(((cert[2]! << 8) | cert[3]!) + 4);
    expect(c.certificateList[0]!.extensions).toEqual([]);
    expect(toHex(encodeCertificate(c))).toBe(toHex(body));
  });

  it('CertificateVerify', () => {
    const { type, body } = message('3', 'server', 'construct a CertificateVerify', 'CertificateVerify');
    expect(type).toBe(HandshakeType.certificate_verify);
    const cv = decodeCertificateVerify(body);
    expect(cv.algorithm).toBe(SignatureScheme.rsa_pss_rsae_sha256);
    expect(cv.signature.length).toBe(128);
    expect(toHex(encodeCertificateVerify(cv))).toBe(toHex(body));
  });

  it('server and client Finished', () => {
    // The client's first "calculate finished" step is "(same as server)" and carries no values.
    for (const [actor, n] of [['server', 0], ['client', 1]] as const) {
      const { type, body } = message('3', actor, 'construct a Finished', 'Finished');
      expect(type).toBe(HandshakeType.finished);
      const f = decodeFinished(body, 32);
      const computed = traceValue(steps, '3', actor, 'calculate finished', 'finished', n);
      expect(toHex(f.verifyData)).toBe(toHex(computed));
      expect(toHex(encodeFinished(f))).toBe(toHex(body));
    }
  });

  it('NewSessionTicket', () => {
    const { type, body } = message('3', 'server', 'construct a NewSessionTicket', 'NewSessionTicket');
    expect(type).toBe(HandshakeType.new_session_ticket);
    const t = decodeNewSessionTicket(body);
    expect(t.ticketLifetime).toBe(30);
    expect(t.ticketNonce).toEqual(Uint8Array.of(0, 0));
    expect(t.ticket.length).toBe(0xb2);
    expect(decodeMaxEarlyDataSize(ext(t.extensions, ExtensionType.early_data))).toBe(0x400);
    expect(toHex(encodeNewSessionTicket(t))).toBe(toHex(body));
  });
});

describe('RFC 8448 §4 resumed 0-RTT handshake', () => {
  const full = traceValue(steps, '4', 'client', 'send handshake record', 'payload');
  const prefix = traceValue(steps, '4', 'client', 'calculate PSK binder', 'ClientHello prefix');

  it('ClientHello with pre_shared_key and early_data', () => {
    const { type, body } = decodeHandshake(full);
    expect(type).toBe(HandshakeType.client_hello);
    const ch = decodeClientHello(body);
    expect(ch.extensions.at(-1)!.type).toBe(ExtensionType.pre_shared_key);
    decodeEarlyDataIndication(ext(ch.extensions, ExtensionType.early_data));
    const offered = decodePreSharedKeyClientHello(ext(ch.extensions, ExtensionType.pre_shared_key));
    expect(offered.identities.length).toBe(1);
    // The identity is the ticket of §3's NewSessionTicket.
    const nst = decodeNewSessionTicket(decodeHandshake(traceValue(steps, '3', 'server', 'construct a NewSessionTicket', 'NewSessionTicket')).body);
    expect(toHex(offered.identities[0]!.identity)).toBe(toHex(nst.ticket));
    // RFC 8446 §4.2.11.1: obfuscated age = age in ms + ticket_age_add (mod 2^32); the age is within the ticket's lifetime.
    const ageMs = (offered.identities[0]!.obfuscatedTicketAge - nst.ticketAgeAdd) >>> 0;
    expect(ageMs).toBeLessThan(nst.ticketLifetime * 1000);
    expect(offered.binders.length).toBe(1);
    expect(toHex(offered.binders[0]!)).toBe(toHex(traceValue(steps, '4', 'client', 'calculate PSK binder', 'finished')));
    expect(toHex(encodeHandshake(type, encodeClientHello(ch)))).toBe(toHex(full));
  });

  it('binders length gives the truncated ClientHello of the trace', () => {
    const ch = decodeClientHello(decodeHandshake(full).body);
    const offered = decodePreSharedKeyClientHello(ext(ch.extensions, ExtensionType.pre_shared_key));
    expect(full.length - pskBindersLength(offered.binders)).toBe(prefix.length);
    expect(toHex(truncateClientHelloForBinders(full, offered.binders))).toBe(toHex(prefix));
    expect(toHex(concat(prefix, encodePskBinders(offered.binders)))).toBe(toHex(full));
  });

  it('ServerHello selects identity 0; EncryptedExtensions accepts early data; EndOfEarlyData is empty', () => {
    const sh = decodeServerHello(message('4', 'server', 'construct a ServerHello', 'ServerHello').body);
    expect(decodePreSharedKeyServerHello(ext(sh.extensions, ExtensionType.pre_shared_key))).toBe(0);
    const ee = decodeEncryptedExtensions(message('4', 'server', 'construct a EncryptedExtensions', 'EncryptedExtensions').body);
    decodeEarlyDataIndication(ext(ee.extensions, ExtensionType.early_data));
    const eoed = message('4', 'client', 'construct a EndOfEarlyData', 'EndOfEarlyData');
    expect(eoed.type).toBe(HandshakeType.end_of_early_data);
    decodeEndOfEarlyData(eoed.body);
  });
});

describe('RFC 8448 §5 HelloRetryRequest', () => {
  it('is recognised, names P-256 and carries a cookie that ClientHello2 echoes', () => {
    const hrrRandom = sha256(utf8('HelloRetryRequest'));
    expect(toHex(HELLO_RETRY_REQUEST_RANDOM)).toBe(toHex(hrrRandom));

    const { type, body } = message('5', 'server', 'construct a ServerHello', 'ServerHello', 0);
    expect(type).toBe(HandshakeType.server_hello);
    const hrr = decodeServerHello(body);
    expect(isHelloRetryRequest(hrr)).toBe(true);
    expect(decodeKeyShareHelloRetryRequest(ext(hrr.extensions, ExtensionType.key_share))).toBe(NamedGroup.secp256r1);
    expect(decodeSupportedVersionsServerHello(ext(hrr.extensions, ExtensionType.supported_versions))).toBe(ProtocolVersion.TLS1_3);
    const cookie = decodeCookie(ext(hrr.extensions, ExtensionType.cookie));
    expect(cookie.length).toBe(0x72);
    expect(toHex(encodeServerHello(hrr))).toBe(toHex(body));

    const ch2Msg = message('5', 'client', 'construct a ClientHello', 'ClientHello', 1);
    const ch2 = decodeClientHello(ch2Msg.body);
    expect(toHex(decodeCookie(ext(ch2.extensions, ExtensionType.cookie)))).toBe(toHex(cookie));
    const shares = decodeKeyShareClientHello(ext(ch2.extensions, ExtensionType.key_share));
    expect(shares.map((s) => s.group)).toEqual([NamedGroup.secp256r1]);
    expect(toHex(shares[0]!.keyExchange)).toBe(toHex(traceValue(steps, '5', 'client', 'create an ephemeral P-256 key pair', 'public key')));
    expect(toHex(encodeClientHello(ch2))).toBe(toHex(ch2Msg.body));

    const sh = decodeServerHello(message('5', 'server', 'construct a ServerHello', 'ServerHello', 1).body);
    expect(isHelloRetryRequest(sh)).toBe(false);
  });
});

describe('RFC 8448 §6 client authentication', () => {
  it('CertificateRequest', () => {
    const { type, body } = message('6', 'server', 'construct a CertificateRequest', 'CertificateRequest');
    expect(type).toBe(HandshakeType.certificate_request);
    const cr = decodeCertificateRequest(body);
    expect(cr.certificateRequestContext.length).toBe(0);
    expect(cr.extensions.map((e) => e.type)).toEqual([ExtensionType.signature_algorithms]);
    const sigs = decodeSignatureSchemeList(ext(cr.extensions, ExtensionType.signature_algorithms));
    expect(sigs).toContain(SignatureScheme.rsa_pss_rsae_sha256);
    expect(toHex(encodeCertificateRequest(cr))).toBe(toHex(body));
  });

  it("client's Certificate and CertificateVerify", () => {
    const c = message('6', 'client', 'construct a Certificate', 'Certificate');
    const cert = decodeCertificate(c.body);
    expect(cert.certificateList.length).toBe(1);
    expect(toHex(encodeCertificate(cert))).toBe(toHex(c.body));
    const v = message('6', 'client', 'construct a CertificateVerify', 'CertificateVerify');
    const cv = decodeCertificateVerify(v.body);
    expect(cv.algorithm).toBe(SignatureScheme.rsa_pss_rsae_sha256);
    expect(toHex(encodeCertificateVerify(cv))).toBe(toHex(v.body));
  });
});
