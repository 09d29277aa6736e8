import { check } from '../../errors/tls-error.ts';
import { HandshakeType, nameOf } from '../../codec/enums.ts';
import { decodeCertificate } from '../../codec/messages/certificate.ts';
import { decodeCertificateVerify } from '../../codec/messages/certificate-verify.ts';
import { certificateVerifyInput, isAllowedInCertificateVerify, schemeMatchesKey, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import type { PublicKey } from '../../crypto/provider.ts';
import type { VerifiedChain } from '../../x509/verify.ts';
import { checkClientChain } from '../client-chain.ts';
import { DEFAULT_SIGNATURE_SCHEMES } from '../config.ts';
import { SignatureScheme } from '../../codec/enums.ts';
import { after, type HandshakeOutbox, type HandshakeState, type ReceivedMessage, type Transition } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { ServerHandshakeContext } from './server-flight.ts';
import { ExpectClientFinished, type AwaitingClientFinished } from './expect-client-finished.ts';

/** After asking for it: the client's Certificate (RFC 8446 §4.4.2, §4.4.2.4). */
export class ExpectClientCertificate implements HandshakeState {
  readonly kind = 'ExpectClientCertificate';
  constructor(
    readonly ctx: ServerHandshakeContext,
    readonly awaiting: AwaitingClientFinished,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage(this.kind, msg);
    const { config, transcript } = this.ctx;
    const auth = config.clientAuth!;
    const certificate = decodeCertificate(msg.body);
    check(certificate.certificateRequestContext.length === 0, 'illegal_parameter', 'client Certificate context differs from the CertificateRequest');
    transcript.add(msg.raw);
    if (certificate.certificateList.length === 0) {
      // §4.4.2.4: no certificate; required -> certificate_required.
      check(!auth.required, 'certificate_required', 'the client sent no certificate');
      out.step({ type: 'certificate', chainLength: 0 });
      return new ExpectClientFinished(this.ctx, this.awaiting);
    }
    for (const entry of certificate.certificateList) check(entry.extensions.length === 0, 'unsupported_extension', 'client Certificate entry carries an extension we did not request');
    const chain = certificate.certificateList.map((e) => e.certData.slice());
    return checkClientChain(config, chain, out, (key, path) => new ExpectClientCertificateVerify(this.ctx, this.awaiting, chain, key, path));
  }
}

/** The client's CertificateVerify (RFC 8446 §4.4.3), over the transcript through its Certificate. */
export class ExpectClientCertificateVerify implements HandshakeState {
  readonly kind = 'ExpectClientCertificateVerify';
  constructor(
    readonly ctx: ServerHandshakeContext,
    readonly awaiting: AwaitingClientFinished,
    readonly chain: readonly Uint8Array[],
    readonly key: PublicKey,
    readonly verified: VerifiedChain,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage(this.kind, msg);
    const { config, transcript } = this.ctx;
    const cv = decodeCertificateVerify(msg.body);
    const name = nameOf.signatureScheme(cv.algorithm);
    const offered = DEFAULT_SIGNATURE_SCHEMES.map((n) => SignatureScheme[n]);
    check(offered.includes(cv.algorithm as (typeof offered)[number]), 'illegal_parameter', `client CertificateVerify uses ${name}, which we did not ask for`);
    check(isAllowedInCertificateVerify(cv.algorithm), 'illegal_parameter', `${name} is not allowed in a TLS 1.3 CertificateVerify`);
    check(schemeMatchesKey(cv.algorithm, this.key), 'illegal_parameter', `${name} does not match the client certificate's key`);
    const signed = certificateVerifyInput('client', transcript.hash());
    return after(config.provider.verify(signatureAlgorithmFor(cv.algorithm)!, this.key, signed, cv.signature), out, (ok, o) => {
      check(ok, 'decrypt_error', `client CertificateVerify signature (${name}) does not verify`);
      transcript.add(msg.raw);
      o.step({ type: 'certificate-verified', signatureScheme: name, chainVerified: true, path: this.verified.path.map((c) => c.subject) });
      const parameters = { ...this.awaiting.parameters, peerCertificates: this.chain, verifiedPath: this.verified.path.map((c) => c.subject) };
      return new ExpectClientFinished(this.ctx, { ...this.awaiting, parameters });
    });
  }
}
