import { check } from '../../errors/tls-error.ts';
import { constantTimeEqual } from '../../bytes/util.ts';
import { HandshakeType, ProtocolVersion, nameOf } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { decodeFinished, encodeFinished } from '../../codec/messages/finished.ts';
import { encodeCertificate } from '../../codec/messages/certificate.ts';
import { finishedVerifyData, wipe } from '../../crypto/key-schedule.ts';
import { after, type HandshakeOutbox, type ReceivedMessage, type Transition } from '../outbox.ts';
import type { MaybePromise } from '../../crypto/provider.ts';
import type { MasterSecret } from '../../crypto/key-schedule.ts';
import { encodeCertificateVerify } from '../../codec/messages/certificate-verify.ts';
import { certificateVerifyInput, isAllowedInCertificateVerify, schemeMatchesKey, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import type { NegotiatedParameters } from '../events.ts';
import { unexpectedMessage, type ClientSession } from './common.ts';
import type { PeerAuthResult } from './negotiated.ts';
import { Connected } from '../traffic.ts';
import type { ClientState } from './state.ts';

/** Waiting for the server's Finished (RFC 8446 §4.4.4); then the client's second flight. */
export class ExpectFinished {
  readonly kind = 'ExpectFinished';
  constructor(
    readonly session: ClientSession,
    readonly negotiated: PeerAuthResult,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage(this.kind, msg);
    const { config, transcript, random } = this.session;
    const { suite, handshakeSecret } = this.negotiated;
    const provider = config.provider;
    const finished = decodeFinished(msg.body, suite.hashLength);
    const expected = finishedVerifyData(provider, suite, this.negotiated.serverHandshakeTrafficSecret, transcript.hash());
    check(constantTimeEqual(expected, finished.verifyData), 'decrypt_error', 'server Finished does not verify');
    transcript.add(msg.raw);
    out.step({ type: 'server-finished' });

    // RFC 8446 §7.1: application secrets from the transcript through server Finished.
    const master = handshakeSecret.toMaster();
    handshakeSecret.wipe();
    const th = transcript.hash();
    const clientAppSecret = master.clientApplicationTrafficSecret0(th);
    const serverAppSecret = master.serverApplicationTrafficSecret0(th);
    const exporterSecret = master.exporterMasterSecret(th);
    out.keylog('CLIENT_TRAFFIC_SECRET_0', random, clientAppSecret);
    out.keylog('SERVER_TRAFFIC_SECRET_0', random, serverAppSecret);
    out.keylog('EXPORTER_SECRET', random, exporterSecret);
    out.setReadKeys(suite, serverAppSecret);
    out.setAcceptCompatibilityCcs(false);

    // The client's second flight: [Certificate CertificateVerify] Finished, under the handshake
    // keys set at ServerHello. Signing may wait on a promise.
    const finish = (o: HandshakeOutbox): Connected => {
      const verifyData = finishedVerifyData(provider, suite, this.negotiated.clientHandshakeTrafficSecret, transcript.hash());
      const clientFinished = encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData }));
      transcript.add(clientFinished);
      o.sendHandshake(clientFinished);
      o.setWriteKeys(suite, clientAppSecret);
      // The handshake traffic secrets have done their work (RFC 8446 §7.1).
      wipe(this.negotiated.clientHandshakeTrafficSecret, this.negotiated.serverHandshakeTrafficSecret);
      o.step({ type: 'client-finished-sent' });
      return this.established(master, clientAppSecret, serverAppSecret, exporterSecret, o);
    };
    const request = this.negotiated.certificateRequest;
    if (request === undefined) return finish(out);
    const proof = sendClientCertificate(this.session, request, out);
    if (proof === undefined) return finish(out);
    // The signature may come from a promise: the CertificateVerify goes out when it is ready.
    return after(proof.signature, out, (signature, o) => {
      const cv = encodeHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ algorithm: proof.scheme, signature }));
      transcript.add(cv);
      o.sendHandshake(cv);
      return finish(o);
    });
  }

  private established(master: MasterSecret, clientAppSecret: Uint8Array, serverAppSecret: Uint8Array, exporterSecret: Uint8Array, out: HandshakeOutbox): Connected {
    const { config, transcript } = this.session;
    const { suite } = this.negotiated;
    const resumptionMasterSecret = master.resumptionMasterSecret(transcript.hash());
    master.wipe();
    const parameters: NegotiatedParameters = {
      version: nameOf.protocolVersion(ProtocolVersion.TLS1_3),
      cipherSuite: suite.name,
      group: this.negotiated.group,
      signatureScheme: nameOf.signatureScheme(this.negotiated.signatureScheme ?? 0),
      alpn: this.negotiated.alpn === undefined ? undefined : new TextDecoder().decode(this.negotiated.alpn),
      serverName: this.session.serverName,
      helloRetry: this.negotiated.helloRetry,
      resumed: this.negotiated.resumed,
      peerCertificates: this.negotiated.peerCertificates,
      verifiedPath: this.negotiated.chain?.path.map((c) => c.subject) ?? [],
    };
    out.step({ type: 'established', parameters });
    return new Connected({ role: 'client', config, serverName: this.session.serverName }, {
      suite,
      parameters,
      writeSecret: clientAppSecret,
      readSecret: serverAppSecret,
      exporterMasterSecret: exporterSecret,
      resumptionMasterSecret,
    });
  }
}

/**
 * RFC 8446 §4.4.2, §4.4.3: our Certificate, when we have a certificate whose key can sign a
 * scheme the server asked for (then the CertificateVerify signature to send), or an empty
 * Certificate (the server decides whether that is enough).
 */
function sendClientCertificate(
  session: ClientSession,
  request: NonNullable<PeerAuthResult['certificateRequest']>,
  out: HandshakeOutbox,
): { scheme: number; signature: MaybePromise<Uint8Array> } | undefined {
  const { config, transcript } = session;
  const ours = config.clientCertificate;
  const scheme = ours && config.signatureSchemes.find((s) => request.signatureAlgorithms.includes(s) && isAllowedInCertificateVerify(s) && schemeMatchesKey(s, ours.key.publicKey));
  const certificateList = ours && scheme !== undefined ? ours.chain.map((certData) => ({ certData, extensions: [] })) : [];
  const raw = encodeHandshake(HandshakeType.certificate, encodeCertificate({ certificateRequestContext: request.context, certificateList }));
  transcript.add(raw);
  out.sendHandshake(raw);
  out.step({ type: 'client-certificate-sent', empty: certificateList.length === 0 });
  if (!ours || scheme === undefined) return undefined;
  const signed = certificateVerifyInput('client', transcript.hash());
  return { scheme, signature: config.provider.sign(signatureAlgorithmFor(scheme)!, ours.key, signed) };
}
