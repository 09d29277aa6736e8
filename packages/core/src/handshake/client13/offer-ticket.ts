import { ProtocolVersion } from '../../codec/enums.ts';
import { getCipherSuite } from '../../crypto/suites.ts';
import type { ResolvedClientConfig } from '../config.ts';
import type { SessionTicket } from '../events.ts';
import type { OfferedTicket } from './client-hello.ts';

// Tickets a connection looks at before giving up: stale ones are dropped on the way.
const MAX_TICKETS_TRIED = 8;

/** What a ClientHello offers to resume: a TLS 1.3 PSK (RFC 8446 §4.2.11) or a TLS 1.2 ticket (RFC 5077 §3.2). */
export interface TicketOffer {
  readonly psk?: OfferedTicket;
  readonly ticket12?: SessionTicket;
}

/**
 * Take a ticket for `serverName` from the store that can still be offered: not past its
 * lifetime (RFC 8446 §4.6.1), of a version we offer, and issued under a suite we can resume it
 * with (TLS 1.3: a suite of the same hash, §4.2.11; TLS 1.2: the same suite, RFC 5077 §3.4).
 * Tickets that cannot be used are dropped; the one returned is taken (single use).
 */
export function takeTicket(config: ResolvedClientConfig, serverName: string | undefined): TicketOffer {
  const store = config.ticketStore;
  if (store === undefined || serverName === undefined) return {};
  const now = config.now().getTime();
  for (let i = 0; i < MAX_TICKETS_TRIED; i++) {
    const ticket = store.take(serverName);
    if (ticket === undefined) return {};
    const age = Math.floor(now - ticket.receivedAt);
    if (age < 0 || age >= ticket.lifetimeSeconds * 1000) continue;
    if (ticket.version === 'TLSv1.2') {
      if (config.versions.min <= ProtocolVersion.TLS1_2 && config.cipherSuites12.includes(ticket.cipherSuite)) return { ticket12: ticket };
      continue;
    }
    const suite = getCipherSuite(ticket.cipherSuite);
    if (suite === undefined || config.versions.max < ProtocolVersion.TLS1_3) continue;
    if (!config.cipherSuites.some((id) => getCipherSuite(id)?.hash === suite.hash)) continue;
    // §4.2.11.1: obfuscated_ticket_age = age in ms + ticket_age_add, mod 2^32.
    return { psk: { ticket, suite, obfuscatedTicketAge: (age + ticket.ageAdd) >>> 0 } };
  }
  return {};
}
