import { UsageError } from '../../errors/tls-error.ts';
import { toHex } from '../../bytes/util.ts';

/**
 * A TLS 1.2 server's session cache (RFC 5246 §7.4.1.2, §F.1.4): session ids of full handshakes
 * and their sealed session state, for clients that resume by session id rather than by ticket.
 * Entries are sealed with the context's ticket keys, so no master secret sits here in the clear
 * and a key rotation ends them as it ends tickets.
 */
export interface SessionCache {
  put(sessionId: Uint8Array, sealed: Uint8Array): void;
  get(sessionId: Uint8Array): Uint8Array | undefined;
}

/** An in-memory {@link SessionCache} of at most `capacity` sessions, the oldest dropped first. */
export class MemorySessionCache implements SessionCache {
  private readonly entries = new Map<string, Uint8Array>();

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new UsageError('session cache capacity must be a positive integer');
  }

  put(sessionId: Uint8Array, sealed: Uint8Array): void {
    const key = toHex(sessionId);
    this.entries.delete(key);
    this.entries.set(key, sealed);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get(sessionId: Uint8Array): Uint8Array | undefined {
    return this.entries.get(toHex(sessionId));
  }

  /** How many sessions are kept. */
  get size(): number {
    return this.entries.size;
  }
}
