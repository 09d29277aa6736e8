import { CertificateError, check } from '../../errors/tls-error.ts';
import { HandshakeType } from '../../codec/enums.ts';
import { decodeCertificate12 } from '../../codec/messages/tls12.ts';
import type { CipherSuite12 } from '../../crypto/suites12.ts';
import type { KeyExchangeKeyPair, PublicKey } from '../../crypto/provider.ts';
import type { VerifiedChain } from '../../x509/verify.ts';
import { Pending, type HandshakeOutbox, type HandshakeState, type ReceivedMessage, type Transition } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { ClientSession } from '../client13/common.ts';
import { verifyPeer } from '../client13/expect-certificate.ts';
import type { HandshakeLog } from '../tls12/handshake-log.ts';
import { ExpectServerKeyExchange12 } from './expect-server-key-exchange12.ts';
import { keyFitsSuite } from '../tls12/key-fits-suite.ts';

/** What a TLS 1.2 ServerHello settled, carried through the client's states. */
export interface ServerHello12Result {
  readonly session: ClientSession;
  readonly suite: CipherSuite12;
  readonly serverRandom: Uint8Array;
  readonly log: HandshakeLog;
  readonly extendedMasterSecret: boolean;
  readonly alpn: Uint8Array | undefined;
  /** The server will send NewSessionTicket (it answered session_ticket, RFC 5077 §3.2). */
  readonly ticketExpected: boolean;
  /** Our TLS 1.3 key shares: one of the server's group is reused for ECDHE. */
  readonly keyShares: readonly KeyExchangeKeyPair[];
}

/** ...and what the server's Certificate gave. */
export interface ServerCertificate12Result extends ServerHello12Result {
  readonly peerCertificates: readonly Uint8Array[];
  readonly leafKey: PublicKey;
  readonly chain: VerifiedChain | undefined;
}

/** TLS 1.2: the server's Certificate (RFC 5246 §7.4.2), validated as in TLS 1.3. */
export class ExpectCertificate12 implements HandshakeState {
  readonly kind = 'ExpectCertificate12';
  readonly expects: readonly number[] = [HandshakeType.certificate];
  constructor(readonly result: ServerHello12Result) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage(this.kind, msg);
    const certificates = decodeCertificate12(msg.body);
    check(certificates.length > 0, 'decode_error', 'server sent an empty Certificate message');
    const { session, log, suite } = this.result;
    log.add(msg.raw);
    const leaf = session.config.certificateCache.parse(certificates[0]!);
    const leafKey = leaf.publicKey;
    if (leafKey === undefined) throw new CertificateError('unsupported', 'unsupported_certificate', `server certificate key type is not supported (${leaf.subject})`);
    check(keyFitsSuite(suite, leafKey), 'unsupported_certificate', `${suite.name} needs an ${suite.authentication === 'rsa' ? 'RSA' : 'ECDSA or Ed25519'} certificate, the server sent a ${leafKey.kind} one`);
    out.step({ type: 'certificate', chainLength: certificates.length, subject: leaf.subject });
    const next = (chain: VerifiedChain | undefined): ExpectServerKeyExchange12 =>
      new ExpectServerKeyExchange12({ ...this.result, peerCertificates: certificates, leafKey, chain });
    const { config } = session;
    if (!config.verifyCertificates && config.verifyPeer === undefined) return next(undefined);
    return new Pending<HandshakeState>(verifyPeer(session, certificates), (chain) => next(chain as VerifiedChain | undefined));
  }
}
