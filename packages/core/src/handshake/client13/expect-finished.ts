import { check } from '../../errors/tls-error.ts';
import { constantTimeEqual } from '../../bytes/util.ts';
import { HandshakeType, ProtocolVersion, nameOf } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { decodeFinished, encodeFinished } from '../../codec/messages/finished.ts';
import { encodeCertificate } from '../../codec/messages/certificate.ts';
import { finishedVerifyData } from '../../crypto/key-schedule.ts';
import type { HandshakeOutbox, ReceivedMessage, Transition } from '../outbox.ts';
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
    const th = transcript.hash();
    const clientAppSecret = master.clientApplicationTrafficSecret0(th);
    const serverAppSecret = master.serverApplicationTrafficSecret0(th);
    const exporterSecret = master.exporterMasterSecret(th);
    out.keylog('CLIENT_TRAFFIC_SECRET_0', random, clientAppSecret);
    out.keylog('SERVER_TRAFFIC_SECRET_0', random, serverAppSecret);
    out.keylog('EXPORTER_SECRET', random, exporterSecret);
    out.setReadKeys(suite, serverAppSecret);
    out.setAcceptCompatibilityCcs(false);

    // The client's second flight: [Certificate] Finished, under the handshake keys set at ServerHello.
    if (this.negotiated.certificateRequestContext !== undefined) {
      // No client certificate is configured yet: answer with an empty Certificate (§4.4.2).
      const raw = encodeHandshake(HandshakeType.certificate, encodeCertificate({ certificateRequestContext: this.negotiated.certificateRequestContext, certificateList: [] }));
      transcript.add(raw);
      out.sendHandshake(raw);
      out.step({ type: 'client-certificate-sent', empty: true });
    }
    const verifyData = finishedVerifyData(provider, suite, this.negotiated.clientHandshakeTrafficSecret, transcript.hash());
    const clientFinished = encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData }));
    transcript.add(clientFinished);
    out.sendHandshake(clientFinished);
    out.setWriteKeys(suite, clientAppSecret);
    out.step({ type: 'client-finished-sent' });

    const resumptionMasterSecret = master.resumptionMasterSecret(transcript.hash());
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
