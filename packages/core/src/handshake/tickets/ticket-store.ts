import { UsageError } from '../../errors/tls-error.ts';
import type { SessionTicket } from '../events.ts';

/**
 * Where a client keeps the session tickets servers give it, keyed by server name. Tickets are
 * single-use by default (RFC 8446 Appendix C.4: reusing one lets an observer link connections),
 * so `take` removes what it returns.
 */
export interface TicketStore {
  /** Keep a ticket received from `serverName`. */
  put(serverName: string, ticket: SessionTicket): void;
  /** Remove and return a ticket for `serverName` (the newest first), or undefined. */
  take(serverName: string): SessionTicket | undefined;
}

/** An in-memory {@link TicketStore}: at most `perServer` tickets for each of at most `servers` names (oldest dropped first). */
export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, SessionTicket[]>();

  constructor(
    readonly perServer = 4,
    readonly servers = 1000,
  ) {
    if (!Number.isInteger(perServer) || perServer < 1) throw new UsageError('perServer must be a positive integer');
    if (!Number.isInteger(servers) || servers < 1) throw new UsageError('servers must be a positive integer');
  }

  put(serverName: string, ticket: SessionTicket): void {
    const list = this.tickets.get(serverName) ?? [];
    // Re-inserting moves the name to the newest end of the map's order.
    this.tickets.delete(serverName);
    list.push(ticket);
    while (list.length > this.perServer) list.shift();
    this.tickets.set(serverName, list);
    while (this.tickets.size > this.servers) {
      const oldest = this.tickets.keys().next().value;
      if (oldest === undefined) break;
      this.tickets.delete(oldest);
    }
  }

  take(serverName: string): SessionTicket | undefined {
    const list = this.tickets.get(serverName);
    const ticket = list?.pop();
    if (list && list.length === 0) this.tickets.delete(serverName);
    return ticket;
  }

  /** How many tickets are held for `serverName`. */
  count(serverName: string): number {
    return this.tickets.get(serverName)?.length ?? 0;
  }
}
