import { CertificateError, TlsError, check } from '../../errors/tls-error.ts';
import { ExtensionType, HandshakeType } from '../../codec/enums.ts';
import { findExtension } from '../../codec/extension.ts';
import { decodeCertificate } from '../../codec/messages/certificate.ts';
import { decodeCertificateRequest } from '../../codec/messages/certificate-request.ts';
import type { VerifiedChain } from '../../x509/verify.ts';
import { verifyServerChain } from './verify-server-chain.ts';
import { Pending, type HandshakeOutbox, type ReceivedMessage, type Transition } from '../outbox.ts';
import type { PeerVerificationInfo } from '../config.ts';
import { unexpectedMessage, type ClientSession } from './common.ts';
import type { EncryptedExtensionsResult, ServerAuthResult } from './negotiated.ts';
import { decodeSignatureSchemeList } from '../../codec/extensions/signature-algorithms.ts';
import { ExpectCertificateVerify } from './expect-certificate-verify.ts';
import type { ClientState } from './state.ts';

/** After EncryptedExtensions: CertificateRequest (§4.3.2) or Certificate (§4.4.2). */
export class ExpectCertificateOrCertificateRequest {
  readonly kind = 'ExpectCertificateOrCertificateRequest';
  constructor(
    readonly session: ClientSession,
    readonly negotiated: EncryptedExtensionsResult,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    if (msg.type === HandshakeType.certificate) return handleServerCertificate(this.session, this.negotiated, undefined, msg, out);
    if (msg.type !== HandshakeType.certificate_request) throw unexpectedMessage(this.kind, msg);
    const request = decodeCertificateRequest(msg.body);
    // RFC 8446 §4.3.2: the context is empty during the handshake; signature_algorithms is required.
    check(request.certificateRequestContext.length === 0, 'illegal_parameter', 'CertificateRequest context must be empty in the handshake');
    check(findExtension(request.extensions, ExtensionType.signature_algorithms) !== undefined, 'missing_extension', 'CertificateRequest has no signature_algorithms');
    this.session.transcript.add(msg.raw);
    out.step({ type: 'certificate-request' });
    const signatureAlgorithms = decodeSignatureSchemeList(findExtension(request.extensions, ExtensionType.signature_algorithms)!);
    return new ExpectCertificate(this.session, this.negotiated, { context: request.certificateRequestContext, signatureAlgorithms });
  }
}

/** After CertificateRequest: the server's Certificate. */
export class ExpectCertificate {
  readonly kind = 'ExpectCertificate';
  constructor(
    readonly session: ClientSession,
    readonly negotiated: EncryptedExtensionsResult,
    readonly certificateRequest: NonNullable<ServerAuthResult['certificateRequest']>,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage(this.kind, msg);
    return handleServerCertificate(this.session, this.negotiated, this.certificateRequest, msg, out);
  }
}

/** RFC 8446 §4.4.2, §4.4.2.4: take the server's chain and start validating it. */
function handleServerCertificate(
  session: ClientSession,
  negotiated: EncryptedExtensionsResult,
  certificateRequest: ServerAuthResult['certificateRequest'],
  msg: ReceivedMessage,
  out: HandshakeOutbox,
): Transition<ClientState> {
  const certificate = decodeCertificate(msg.body);
  check(certificate.certificateRequestContext.length === 0, 'illegal_parameter', 'server Certificate must have an empty certificate_request_context');
  check(certificate.certificateList.length > 0, 'decode_error', 'server sent an empty Certificate message');
  for (const entry of certificate.certificateList) {
    // We request neither OCSP stapling nor SCTs, so entries must carry no extensions.
    check(entry.extensions.length === 0, 'unsupported_extension', 'server Certificate entry carries an extension we did not request');
  }
  session.transcript.add(msg.raw);
  const certificates = certificate.certificateList.map((e) => e.certData.slice());
  const leaf = session.config.certificateCache.parse(certificates[0]!);
  const leafKey = leaf.publicKey;
  if (leafKey === undefined) throw new CertificateError('unsupported', 'unsupported_certificate', `server certificate key type is not supported (${leaf.subject})`);
  out.step({ type: 'certificate', chainLength: certificates.length, subject: leaf.subject });

  const next = (chain: VerifiedChain | undefined): ExpectCertificateVerify =>
    new ExpectCertificateVerify(session, { ...negotiated, certificateRequest, peerCertificates: certificates, leafKey, chain, signatureScheme: undefined });
  const { config } = session;
  if (!config.verifyCertificates && config.verifyPeer === undefined) return next(undefined);
  return new Pending<ClientState>(verifyPeer(session, certificates), (chain) => next(chain as VerifiedChain | undefined));
}

/** Chain validation, then the user's hook (both versions). Failures become typed certificate errors. */
export async function verifyPeer(session: ClientSession, certificates: readonly Uint8Array[]): Promise<VerifiedChain | undefined> {
  const { config } = session;
  const chain = config.verifyCertificates ? await verifyServerChain(config, certificates, session.serverName) : undefined;
  if (config.verifyPeer) {
    const info: PeerVerificationInfo = { certificates, chain, serverName: session.serverName };
    try {
      await config.verifyPeer(info);
    } catch (cause) {
      if (cause instanceof TlsError) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new CertificateError('rejected-by-hook', 'bad_certificate', `certificate rejected by verifyPeer: ${reason}`, { cause });
    }
  }
  return chain;
}
