import { check } from '../../errors/tls-error.ts';
import { HandshakeType, nameOf } from '../../codec/enums.ts';
import { decodeCertificateVerify } from '../../codec/messages/certificate-verify.ts';
import { certificateVerifyInput, isAllowedInCertificateVerify, schemeMatchesKey, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import { after, type HandshakeOutbox, type ReceivedMessage, type Transition } from '../outbox.ts';
import { unexpectedMessage, type ClientSession } from './common.ts';
import type { ServerAuthResult } from './negotiated.ts';
import { ExpectFinished } from './expect-finished.ts';
import type { ClientState } from './state.ts';

/** Waiting for the server's CertificateVerify (RFC 8446 §4.4.3). */
export class ExpectCertificateVerify {
  readonly kind = 'ExpectCertificateVerify';
  constructor(
    readonly session: ClientSession,
    readonly negotiated: ServerAuthResult,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage(this.kind, msg);
    const cv = decodeCertificateVerify(msg.body);
    const { config, transcript } = this.session;
    const schemeName = nameOf.signatureScheme(cv.algorithm);
    check(config.signatureSchemes.includes(cv.algorithm), 'illegal_parameter', `CertificateVerify uses ${schemeName}, which we did not offer`);
    check(isAllowedInCertificateVerify(cv.algorithm), 'illegal_parameter', `${schemeName} is not allowed in a TLS 1.3 CertificateVerify`);
    check(schemeMatchesKey(cv.algorithm, this.negotiated.leafKey), 'illegal_parameter', `${schemeName} does not match the server certificate's key`);
    const algorithm = signatureAlgorithmFor(cv.algorithm);
    check(algorithm !== undefined, 'illegal_parameter', `unsupported signature scheme ${schemeName}`);
    // The signature covers the transcript up to and including Certificate.
    const signed = certificateVerifyInput('server', transcript.hash());
    const verdict = config.provider.verify(algorithm, this.negotiated.leafKey, signed, cv.signature);
    return after(verdict, out, (ok, o) => {
      check(ok, 'decrypt_error', `server CertificateVerify signature (${schemeName}) does not verify`);
      transcript.add(msg.raw);
      o.step({
        type: 'certificate-verified',
        signatureScheme: schemeName,
        chainVerified: this.negotiated.chain !== undefined,
        path: this.negotiated.chain?.path.map((c) => c.subject) ?? [],
      });
      return new ExpectFinished(this.session, { ...this.negotiated, signatureScheme: cv.algorithm });
    });
  }
}
