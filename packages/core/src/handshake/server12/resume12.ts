import type { CipherSuite12 } from '../../crypto/suites12.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import type { HandshakeOutbox, HandshakeState } from '../outbox.ts';
import { negotiatedParameters12 } from '../tls12/parameters12.ts';
import type { ResumptionState } from '../tickets/session-state.ts';
import { HandshakeLog } from '../tls12/handshake-log.ts';
import { finishedMessage12, sendChangeCipherSpec12, type Session12 } from '../tls12/keys12.ts';
import { ExpectChangeCipherSpec12 } from '../tls12/expect-change-cipher-spec.ts';
import { ExpectFinished12 } from '../tls12/expect-finished.ts';
import { Connected12 } from '../tls12/connected.ts';
import type { ClientHello12Offer } from './client-hello12.ts';
import { sendServerHello12 } from './server-hello12.ts';
import { sendTicket12 } from './ticket12.ts';

/** What resuming a TLS 1.2 session needs. */
export interface Resumption12 {
  readonly config: ResolvedServerConfig;
  readonly offer: ClientHello12Offer;
  /** The ClientHello as received. */
  readonly raw: Uint8Array;
  readonly suite: CipherSuite12;
  readonly alpn: Uint8Array | undefined;
  readonly state: ResumptionState;
}

/**
 * The abbreviated handshake (RFC 5246 §7.3, RFC 5077 §3.1): ServerHello echoing the session
 * id, [NewSessionTicket], change_cipher_spec, Finished; then the client's.
 */
export function resumeSession12(r: Resumption12, out: HandshakeOutbox): HandshakeState {
  const { config, offer, suite, alpn } = r;
  const issueTicket = offer.sessionTicket !== undefined && config.ticketCount > 0;
  const sh = sendServerHello12(config, offer, { suite, extendedMasterSecret: offer.extendedMasterSecret, alpn, sniMatched: false, issueTicket, resumed: true }, out);
  const log = new HandshakeLog(config.provider, suite.hash, [r.raw, sh.raw]);
  const session: Session12 = {
    provider: config.provider,
    suite,
    masterSecret: r.state.psk,
    clientRandom: offer.hello.random,
    serverRandom: sh.random,
    extendedMasterSecret: r.state.extendedMasterSecret ?? false,
  };
  out.keylog('CLIENT_RANDOM', session.clientRandom, session.masterSecret);
  if (issueTicket) sendTicket12(config, offer, session, alpn, log, out);
  sendChangeCipherSpec12(out, session, 'server');
  out.sendHandshake(finishedMessage12(session, 'server', log));
  out.step({ type: 'server-finished-sent' });
  const parameters = negotiatedParameters12({ suite, alpn, serverName: offer.serverName, resumed: true, extendedMasterSecret: session.extendedMasterSecret });
  return new ExpectChangeCipherSpec12(session, 'server', () =>
    new ExpectFinished12(session, log, 'client', (o) => {
      o.step({ type: 'established', parameters });
      return new Connected12('server', parameters, session);
    }),
  );
}
