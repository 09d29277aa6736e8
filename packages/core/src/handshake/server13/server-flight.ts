import { ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme, nameOf } from '../../codec/enums.ts';
import type { Extension } from '../../codec/extension.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { encodeServerHello } from '../../codec/messages/server-hello.ts';
import { encodeEncryptedExtensions } from '../../codec/messages/encrypted-extensions.ts';
import { encodeCertificate } from '../../codec/messages/certificate.ts';
import { encodeCertificateVerify } from '../../codec/messages/certificate-verify.ts';
import { encodeFinished } from '../../codec/messages/finished.ts';
import { encodeSupportedVersionsServerHello } from '../../codec/extensions/supported-versions.ts';
import { encodeKeyShareServerHello } from '../../codec/extensions/key-share.ts';
import { encodeEmptyExtension } from '../../codec/extensions/empty.ts';
import { encodePreSharedKeyServerHello } from '../../codec/extensions/pre-shared-key.ts';
import { check } from '../../errors/tls-error.ts';
import { encodeSelectedProtocol } from '../../codec/extensions/alpn.ts';
import { encodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { EarlySecret, finishedVerifyData, type HandshakeSecret, wipe } from '../../crypto/key-schedule.ts';
import { certificateVerifyInput, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import type { CipherSuiteParams } from '../../crypto/suites.ts';
import type { KeyExchangeKeyPair } from '../../crypto/provider.ts';
import type { Transcript } from '../../crypto/transcript.ts';
import { shapeExtensions, type ResolvedServerConfig } from '../server-config.ts';
import { after, type HandshakeOutbox, type HandshakeState, type Transition } from '../outbox.ts';
import type { ClientHelloOffer } from './client-hello-offer.ts';
import { chooseAlpn, chooseCertificate, type KeyShareChoice } from './negotiate.ts';
import { ExpectClientFinished, type AwaitingClientFinished } from './expect-client-finished.ts';
import { ExpectClientCertificate } from './expect-client-certificate.ts';
import { encodeCertificateRequest } from '../../codec/messages/certificate-request.ts';
import { encodeSignatureSchemeList } from '../../codec/extensions/signature-algorithms.ts';
import { DEFAULT_SIGNATURE_SCHEMES } from '../config.ts';
import type { AcceptedPsk } from './accept-psk.ts';

/** What the server flight is built from. */
export interface ServerHandshakeContext {
  readonly config: ResolvedServerConfig;
  readonly transcript: Transcript;
  readonly offer: ClientHelloOffer;
  readonly suite: CipherSuiteParams;
  readonly sentCompatibilityCcs: boolean;
  readonly helloRetry: boolean;
  /** The ticket we resume (RFC 8446 §2.2), or undefined for a full handshake. */
  readonly psk: AcceptedPsk | undefined;
}

/**
 * RFC 8446 §2: ServerHello, then under handshake keys EncryptedExtensions, Certificate,
 * CertificateVerify and Finished. Key generation, key agreement and signing may each wait on
 * a promise (a native or WebCrypto provider).
 */
export function sendServerFlight(ctx: ServerHandshakeContext, choice: Extract<KeyShareChoice, { share: unknown }>, out: HandshakeOutbox): Transition<HandshakeState> {
  if (ctx.psk !== undefined) return sendResumedFlight(ctx, ctx.psk, choice, out);
  // §9.2: certificate authentication needs the client's signature_algorithms.
  check(ctx.offer.signatureAlgorithms.length > 0, 'missing_extension', 'ClientHello has no signature_algorithms');
  // Refusals come before any work: a certificate and ALPN must be possible.
  const cert = chooseCertificate(ctx.config, ctx.offer);
  const alpn = chooseAlpn(ctx.config, ctx.offer);
  const { provider } = ctx.config;
  return after(provider.generateKeyPair(choice.group), out, (keyPair, o1) =>
    after(keyPair.deriveSharedSecret(choice.share.keyExchange), o1, (shared, o2) => {
      const handshakeSecret = sendServerHello(ctx, keyPair, o2);
      const keys = startHandshakeKeys(ctx, handshakeSecret(shared), o2);
      sendEncryptedExtensions(ctx, alpn, cert.sniMatched, o2);
      if (ctx.config.clientAuth) sendCertificateRequest(ctx, o2);
      const certificate = encodeHandshake(HandshakeType.certificate, encodeCertificate({ certificateRequestContext: new Uint8Array(0), certificateList: cert.certificate.chain.map((certData) => ({ certData, extensions: [] })) }));
      ctx.transcript.add(certificate);
      o2.sendHandshake(certificate);
      // §4.4.3: the signature covers the transcript through Certificate.
      const signed = certificateVerifyInput('server', ctx.transcript.hash());
      const algorithm = signatureAlgorithmFor(cert.scheme)!;
      return after(provider.sign(algorithm, cert.certificate.key, signed), o2, (signature, o3) => {
        const cv = encodeHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ algorithm: cert.scheme, signature }));
        ctx.transcript.add(cv);
        o3.sendHandshake(cv);
        o3.step({ type: 'server-certificate-sent', chainLength: cert.certificate.chain.length, subject: cert.certificate.leaf.subject, signatureScheme: nameOf.signatureScheme(cert.scheme) });
        return sendServerFinished(ctx, keys, { scheme: cert.scheme, alpn, group: choice.group }, o3);
      });
    }),
  );
}

/**
 * RFC 8446 §2.2: a resumed handshake with psk_dhe_ke: ServerHello with pre_shared_key and a key
 * share, then EncryptedExtensions and Finished; no Certificate, no CertificateVerify.
 */
function sendResumedFlight(ctx: ServerHandshakeContext, psk: AcceptedPsk, choice: Extract<KeyShareChoice, { share: unknown }>, out: HandshakeOutbox): Transition<HandshakeState> {
  const alpn = chooseAlpn(ctx.config, ctx.offer);
  const { provider } = ctx.config;
  return after(provider.generateKeyPair(choice.group), out, (keyPair, o1) =>
    after(keyPair.deriveSharedSecret(choice.share.keyExchange), o1, (shared, o2) => {
      const handshakeSecret = sendServerHello(ctx, keyPair, o2);
      const keys = startHandshakeKeys(ctx, handshakeSecret(shared), o2);
      sendEncryptedExtensions(ctx, alpn, false, o2);
      return sendServerFinished(ctx, keys, { scheme: undefined, alpn, group: choice.group }, o2);
    }),
  );
}

/** ServerHello, and the compatibility CCS after it (Appendix D.4). Returns the key schedule step. */
function sendServerHello(ctx: ServerHandshakeContext, keyPair: KeyExchangeKeyPair, out: HandshakeOutbox): (shared: Uint8Array) => HandshakeSecret {
  // The order of RFC 8448's traces: pre_shared_key, key_share, supported_versions.
  const extensions: Extension[] = [];
  if (ctx.psk !== undefined) extensions.push({ type: ExtensionType.pre_shared_key, data: encodePreSharedKeyServerHello(ctx.psk.selectedIdentity) });
  extensions.push(
    { type: ExtensionType.key_share, data: encodeKeyShareServerHello({ group: NamedGroup[keyPair.group], keyExchange: keyPair.publicKey }) },
    { type: ExtensionType.supported_versions, data: encodeSupportedVersionsServerHello(ProtocolVersion.TLS1_3) },
  );
  const sh = encodeHandshake(
    HandshakeType.server_hello,
    encodeServerHello({ legacyVersion: ProtocolVersion.TLS1_2, random: ctx.config.provider.randomBytes(32), legacySessionIdEcho: ctx.offer.hello.legacySessionId, cipherSuite: ctx.suite.id, legacyCompressionMethod: 0, extensions: shapeExtensions(ctx.config, 'server_hello', extensions) }),
  );
  ctx.transcript.add(sh);
  out.sendHandshake(sh);
  if (ctx.offer.hello.legacySessionId.length > 0 && !ctx.sentCompatibilityCcs) out.sendChangeCipherSpec();
  out.step({ type: 'server-hello-sent', cipherSuite: ctx.suite.name, group: keyPair.group, ...(ctx.psk !== undefined ? { resumed: true } : {}) });
  const early = ctx.psk?.earlySecret ?? EarlySecret.create(ctx.config.provider, ctx.suite);
  return (shared) => {
    const handshakeSecret = early.toHandshake(shared);
    early.wipe();
    wipe(shared);
    return handshakeSecret;
  };
}

interface HandshakeKeys {
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly serverHandshakeTrafficSecret: Uint8Array;
}

/** §7.1: handshake traffic secrets; from here we write, and read, under handshake keys. */
function startHandshakeKeys(ctx: ServerHandshakeContext, handshakeSecret: HandshakeSecret, out: HandshakeOutbox): HandshakeKeys {
  const th = ctx.transcript.hash();
  const clientSecret = handshakeSecret.clientHandshakeTrafficSecret(th);
  const serverSecret = handshakeSecret.serverHandshakeTrafficSecret(th);
  const clientRandom = ctx.offer.hello.random;
  out.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientRandom, clientSecret);
  out.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', clientRandom, serverSecret);
  out.setWriteKeys(ctx.suite, serverSecret);
  out.setReadKeys(ctx.suite, clientSecret);
  return { handshakeSecret, clientHandshakeTrafficSecret: clientSecret, serverHandshakeTrafficSecret: serverSecret };
}

/** §4.3.1: what we answer to the client's extensions. */
function sendEncryptedExtensions(ctx: ServerHandshakeContext, alpn: Uint8Array | undefined, sniMatched: boolean, out: HandshakeOutbox): void {
  const extensions: Extension[] = [];
  // RFC 6066 §3: an empty server_name when the name chose the certificate.
  if (sniMatched) extensions.push({ type: ExtensionType.server_name, data: encodeEmptyExtension() });
  if (alpn !== undefined) extensions.push({ type: ExtensionType.application_layer_protocol_negotiation, data: encodeSelectedProtocol(alpn) });
  if (ctx.offer.recordSizeLimit !== undefined) {
    // RFC 8449 §4: the client's limit bounds what we send; ours answers its extension.
    out.setPeerRecordSizeLimit(ctx.offer.recordSizeLimit);
    extensions.push({ type: ExtensionType.record_size_limit, data: encodeRecordSizeLimit(ctx.config.recordSizeLimit) });
  }
  const ee = encodeHandshake(HandshakeType.encrypted_extensions, encodeEncryptedExtensions({ extensions: shapeExtensions(ctx.config, 'encrypted_extensions', extensions) }));
  ctx.transcript.add(ee);
  out.sendHandshake(ee);
}

/**
 * §4.3.2: ask for the client's certificate (never in a PSK handshake). The context is empty in
 * the handshake; signature_algorithms lists what we can check.
 */
function sendCertificateRequest(ctx: ServerHandshakeContext, out: HandshakeOutbox): void {
  const schemes = DEFAULT_SIGNATURE_SCHEMES.map((n) => SignatureScheme[n]);
  const extensions: Extension[] = [{ type: ExtensionType.signature_algorithms, data: encodeSignatureSchemeList(schemes) }];
  const request = encodeHandshake(HandshakeType.certificate_request, encodeCertificateRequest({ certificateRequestContext: new Uint8Array(0), extensions }));
  ctx.transcript.add(request);
  out.sendHandshake(request);
  out.step({ type: 'certificate-request' });
}

/** §4.4.4 Finished, then the application secrets; we may send data from here (0.5-RTT). */
function sendServerFinished(ctx: ServerHandshakeContext, keys: HandshakeKeys, negotiated: { scheme: number | undefined; alpn: Uint8Array | undefined; group: string }, out: HandshakeOutbox): Transition<HandshakeState> {
  const { provider } = ctx.config;
  const verifyData = finishedVerifyData(provider, ctx.suite, keys.serverHandshakeTrafficSecret, ctx.transcript.hash());
  const finished = encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData }));
  ctx.transcript.add(finished);
  out.sendHandshake(finished);
  out.step({ type: 'server-finished-sent' });
  const master = keys.handshakeSecret.toMaster();
  keys.handshakeSecret.wipe();
  wipe(keys.serverHandshakeTrafficSecret); // our Finished is made
  const th = ctx.transcript.hash();
  const clientAppSecret = master.clientApplicationTrafficSecret0(th);
  const serverAppSecret = master.serverApplicationTrafficSecret0(th);
  const exporterSecret = master.exporterMasterSecret(th);
  const clientRandom = ctx.offer.hello.random;
  out.keylog('CLIENT_TRAFFIC_SECRET_0', clientRandom, clientAppSecret);
  out.keylog('SERVER_TRAFFIC_SECRET_0', clientRandom, serverAppSecret);
  out.keylog('EXPORTER_SECRET', clientRandom, exporterSecret);
  out.setWriteKeys(ctx.suite, serverAppSecret);
  const awaiting: AwaitingClientFinished = {
    master,
    clientHandshakeTrafficSecret: keys.clientHandshakeTrafficSecret,
    clientApplicationTrafficSecret: clientAppSecret,
    serverApplicationTrafficSecret: serverAppSecret,
    exporterMasterSecret: exporterSecret,
    alpn: negotiated.alpn,
    parameters: {
      version: nameOf.protocolVersion(ProtocolVersion.TLS1_3),
      cipherSuite: ctx.suite.name,
      group: negotiated.group,
      signatureScheme: nameOf.signatureScheme(negotiated.scheme ?? 0),
      alpn: negotiated.alpn === undefined ? undefined : new TextDecoder().decode(negotiated.alpn),
      serverName: ctx.offer.serverName,
      helloRetry: ctx.helloRetry,
      resumed: ctx.psk !== undefined,
      peerCertificates: [],
      verifiedPath: [],
    },
  };
  // A certificate was requested exactly when clientAuth is on and no PSK was accepted.
  return ctx.config.clientAuth && ctx.psk === undefined ? new ExpectClientCertificate(ctx, awaiting) : new ExpectClientFinished(ctx, awaiting);
}
