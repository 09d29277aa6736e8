import type { HandshakeOutbox } from '../outbox.ts';
import type { SessionTicket } from '../events.ts';
import type { ClientSession } from '../client13/common.ts';
import type { Session12 } from '../tls12/keys12.ts';
import type { PendingTicket } from './expect-new-session-ticket12.ts';

// RFC 5077 §3.3: a lifetime hint of 0 leaves the lifetime to us; RFC 8446's seven days bound any.
const DEFAULT_LIFETIME = 7200;
const MAX_LIFETIME = 604800;

/**
 * Once the server's Finished verified: report the TLS 1.2 ticket and keep it (with a copy of the
 * master secret it resumes, RFC 5077 §3.4) in the ticket store under the server name.
 */
export function keepTicket12(session: ClientSession, secrets: Session12, pending: PendingTicket | undefined, out: HandshakeOutbox): void {
  if (pending === undefined) return;
  const { config, serverName } = session;
  const ticket: SessionTicket = {
    ticket: pending.ticket,
    lifetimeSeconds: pending.lifetimeHint === 0 ? DEFAULT_LIFETIME : Math.min(pending.lifetimeHint, MAX_LIFETIME),
    ageAdd: 0,
    nonce: new Uint8Array(0),
    maxEarlyDataSize: undefined,
    receivedAt: config.now().getTime(),
    cipherSuite: secrets.suite.id,
    psk: secrets.masterSecret.slice(),
    serverName,
    version: 'TLSv1.2',
    extendedMasterSecret: secrets.extendedMasterSecret,
  };
  if (config.ticketStore !== undefined && serverName !== undefined) config.ticketStore.put(serverName, ticket);
  out.ticket(ticket);
}
