import { getCipherSuite } from '../../crypto/suites.ts';
import type { ResolvedClientConfig } from '../config.ts';
import type { OfferedTicket } from './client-hello.ts';

// Tickets a connection looks at before giving up: stale ones are dropped on the way.
const MAX_TICKETS_TRIED = 8;

/**
 * Take a ticket for `serverName` from the store that can still be offered (RFC 8446 §4.6.1): not
 * past its lifetime, and issued under a suite whose hash one of our suites shares (§4.2.11).
 * Tickets that cannot be used are dropped; the one returned is taken (single use).
 */
export function takeTicket(config: ResolvedClientConfig, serverName: string | undefined): OfferedTicket | undefined {
  const store = config.ticketStore;
  if (store === undefined || serverName === undefined) return undefined;
  const now = config.now().getTime();
  for (let i = 0; i < MAX_TICKETS_TRIED; i++) {
    const ticket = store.take(serverName);
    if (ticket === undefined) return undefined;
    const suite = getCipherSuite(ticket.cipherSuite);
    const age = Math.floor(now - ticket.receivedAt);
    if (suite === undefined || age < 0 || age >= ticket.lifetimeSeconds * 1000) continue;
    if (!config.cipherSuites.some((id) => getCipherSuite(id)?.hash === suite.hash)) continue;
    // §4.2.11.1: obfuscated_ticket_age = age in ms + ticket_age_add, mod 2^32.
    return { ticket, suite, obfuscatedTicketAge: (age + ticket.ageAdd) >>> 0 };
  }
  return undefined;
}
