import { check } from '../../errors/tls-error.ts';
import { HandshakeType, nameOf } from '../../codec/enums.ts';
import { decodeClientKeyExchangeEcdhe } from '../../codec/messages/key-exchange12.ts';
import { decodeCertificate12 } from '../../codec/messages/tls12.ts';
import { decodeCertificateVerify } from '../../codec/messages/certificate-verify.ts';
import { isAllowedInTls12, schemeMatchesKey12, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import type { CipherSuite12 } from '../../crypto/suites12.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair, PublicKey } from '../../crypto/provider.ts';
import type { VerifiedChain } from '../../x509/verify.ts';
import { checkClientChain } from '../client-chain.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import { after, type HandshakeOutbox, type HandshakeState, type ReceivedMessage, type Transition } from '../outbox.ts';
import type { NegotiatedParameters } from '../events.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { HandshakeLog } from '../tls12/handshake-log.ts';
import { finishedMessage12, masterSecret12, sendChangeCipherSpec12, type Session12 } from '../tls12/keys12.ts';
import { ExpectChangeCipherSpec12 } from '../tls12/expect-change-cipher-spec.ts';
import { ExpectFinished12 } from '../tls12/expect-finished.ts';
import { Connected12 } from '../tls12/connected.ts';
import type { ClientHello12Offer } from './client-hello12.ts';
import { negotiatedParameters12 } from '../tls12/parameters12.ts';
import { cacheSession12, sendTicket12 } from './ticket12.ts';
import { CLIENT_CERTIFICATE_SCHEMES_12 } from './client-certificate-schemes.ts';

/** What a server's full TLS 1.2 handshake carries from its first flight to the client's Finished. */
export interface FullHandshake12 {
  readonly config: ResolvedServerConfig;
  readonly offer: ClientHello12Offer;
  readonly suite: CipherSuite12;
  readonly log: HandshakeLog;
  readonly keyPair: KeyExchangeKeyPair;
  readonly group: KeyExchangeGroup;
  readonly scheme: number;
  readonly alpn: Uint8Array | undefined;
  readonly serverRandom: Uint8Array;
  readonly issueTicket: boolean;
  /** The session id our ServerHello gave (empty without a session cache). */
  readonly sessionId: Uint8Array;
}

/** A client certificate that validated. */
interface ClientCertificate12 {
  readonly chain: readonly Uint8Array[];
  readonly key: PublicKey;
  readonly verified: VerifiedChain;
}

/**
 * After our CertificateRequest: the client's Certificate (RFC 5246 §7.4.6), validated against
 * the client-auth anchors. An empty one is `handshake_failure` when a certificate is required
 * (TLS 1.2 has no certificate_required alert).
 */
export class ExpectClientCertificate12 implements HandshakeState {
  readonly kind = 'ExpectClientCertificate12';
  readonly expects: readonly number[] = [HandshakeType.certificate];
  constructor(readonly full: FullHandshake12) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage(this.kind, msg);
    const { config, log } = this.full;
    const auth = config.clientAuth!;
    const chain = decodeCertificate12(msg.body);
    log.add(msg.raw);
    if (chain.length === 0) {
      check(!auth.required, 'handshake_failure', 'the client sent no certificate');
      out.step({ type: 'certificate', chainLength: 0 });
      return new ExpectClientKeyExchange12(this.full, undefined);
    }
    return checkClientChain(config, chain, out, (key, verified) => new ExpectClientKeyExchange12(this.full, { chain, key, verified }));
  }
}

/**
 * The client's ECDHE share (RFC 8422 §5.7): the master secret follows (RFC 7627 §4 over the
 * messages through this one), then its CertificateVerify when it sent a certificate.
 */
export class ExpectClientKeyExchange12 implements HandshakeState {
  readonly kind = 'ExpectClientKeyExchange12';
  readonly expects: readonly number[] = [HandshakeType.client_key_exchange];
  constructor(
    readonly full: FullHandshake12,
    readonly clientCertificate: ClientCertificate12 | undefined,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.client_key_exchange) throw unexpectedMessage(this.kind, msg);
    const point = decodeClientKeyExchangeEcdhe(msg.body);
    const { config, log, offer, suite } = this.full;
    return after(this.full.keyPair.deriveSharedSecret(point), out, (preMasterSecret, o) => {
      log.add(msg.raw);
      o.step({ type: 'client-key-exchange', group: this.full.group });
      const masterSecret = masterSecret12(o, config.provider, suite, preMasterSecret, { used: offer.extendedMasterSecret, sessionHash: log.hash() }, offer.hello.random, this.full.serverRandom);
      const session: Session12 = { provider: config.provider, suite, masterSecret, clientRandom: offer.hello.random, serverRandom: this.full.serverRandom, extendedMasterSecret: offer.extendedMasterSecret };
      if (this.clientCertificate !== undefined) return new ExpectClientCertificateVerify12(this.full, session, this.clientCertificate);
      return awaitClientFinished(this.full, session, undefined);
    });
  }
}

/** The client's CertificateVerify (RFC 5246 §7.4.8): a scheme we asked for, over every message before it. */
export class ExpectClientCertificateVerify12 implements HandshakeState {
  readonly kind = 'ExpectClientCertificateVerify12';
  readonly expects: readonly number[] = [HandshakeType.certificate_verify];
  constructor(
    readonly full: FullHandshake12,
    readonly session: Session12,
    readonly certificate: ClientCertificate12,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage(this.kind, msg);
    const cv = decodeCertificateVerify(msg.body);
    const name = nameOf.signatureScheme(cv.algorithm);
    check(CLIENT_CERTIFICATE_SCHEMES_12.includes(cv.algorithm) && isAllowedInTls12(cv.algorithm), 'illegal_parameter', `client CertificateVerify uses ${name}, which we did not ask for`);
    check(schemeMatchesKey12(cv.algorithm, this.certificate.key), 'illegal_parameter', `${name} does not match the client certificate's key`);
    const { config, log } = this.full;
    return after(config.provider.verify(signatureAlgorithmFor(cv.algorithm)!, this.certificate.key, log.all(), cv.signature), out, (ok, o) => {
      check(ok, 'decrypt_error', `client CertificateVerify signature (${name}) does not verify`);
      log.add(msg.raw);
      const path = this.certificate.verified.path.map((c) => c.subject);
      o.step({ type: 'certificate-verified', signatureScheme: name, chainVerified: true, path });
      return awaitClientFinished(this.full, this.session, { peerCertificates: this.certificate.chain, verifiedPath: path });
    });
  }
}

/** The client's change_cipher_spec and Finished; then our [NewSessionTicket], change_cipher_spec and Finished. */
function awaitClientFinished(full: FullHandshake12, session: Session12, peer: Pick<NegotiatedParameters, 'peerCertificates' | 'verifiedPath'> | undefined): HandshakeState {
  const { config, offer, suite, log, alpn } = full;
  const parameters = negotiatedParameters12({ suite, group: full.group, signatureScheme: full.scheme, alpn, serverName: offer.serverName, resumed: false, extendedMasterSecret: session.extendedMasterSecret, ...peer });
  return new ExpectChangeCipherSpec12(session, 'server', () =>
    new ExpectFinished12(session, log, 'client', (o) => {
      if (full.issueTicket) sendTicket12(config, offer, session, alpn, log, o);
      cacheSession12(config, offer, session, alpn, full.sessionId);
      sendChangeCipherSpec12(o, session, 'server');
      o.sendHandshake(finishedMessage12(session, 'server', log));
      o.step({ type: 'server-finished-sent' });
      o.step({ type: 'established', parameters });
      return new Connected12('server', parameters, session);
    }),
  );
}
