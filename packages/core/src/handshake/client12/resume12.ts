import type { HandshakeOutbox, HandshakeState } from '../outbox.ts';
import type { SessionTicket } from '../events.ts';
import { negotiatedParameters12 } from '../tls12/parameters12.ts';
import { finishedMessage12, sendChangeCipherSpec12 } from '../tls12/keys12.ts';
import { ExpectFinished12 } from '../tls12/expect-finished.ts';
import { ExpectChangeCipherSpec12 } from '../tls12/expect-change-cipher-spec.ts';
import { Connected12 } from '../tls12/connected.ts';
import type { ServerHello12Result } from './expect-certificate12.ts';
import { ExpectNewSessionTicket12, type PendingTicket } from './expect-new-session-ticket12.ts';
import { keepTicket12 } from './keep-ticket12.ts';
import { sessionFromTicket } from './server-hello12.ts';

/**
 * The abbreviated TLS 1.2 handshake (RFC 5246 §7.3, RFC 5077 §3.1): after ServerHello the
 * server sends [NewSessionTicket], change_cipher_spec and Finished; we answer with ours. The
 * ticket's master secret stands in for certificates and key exchange.
 */
export function resumedHandshake12(result: ServerHello12Result, ticket: SessionTicket, out: HandshakeOutbox): HandshakeState {
  const secrets = sessionFromTicket(result, ticket);
  out.keylog('CLIENT_RANDOM', secrets.clientRandom, secrets.masterSecret);
  const parameters = negotiatedParameters12({ suite: result.suite, alpn: result.alpn, serverName: result.session.serverName, resumed: true, extendedMasterSecret: result.extendedMasterSecret });
  const awaitServer = (fresh: PendingTicket | undefined): HandshakeState =>
    new ExpectChangeCipherSpec12(secrets, 'client', () =>
      new ExpectFinished12(secrets, result.log, 'server', (o) => {
        sendChangeCipherSpec12(o, secrets, 'client');
        o.sendHandshake(finishedMessage12(secrets, 'client', result.log));
        o.step({ type: 'client-finished-sent' });
        keepTicket12(result.session, secrets, fresh, o);
        o.step({ type: 'established', parameters });
        return new Connected12('client', parameters, secrets);
      }),
    );
  return result.ticketExpected ? new ExpectNewSessionTicket12(result.log, awaitServer) : awaitServer(undefined);
}
