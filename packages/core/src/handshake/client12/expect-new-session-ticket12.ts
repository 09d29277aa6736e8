import { HandshakeType } from '../../codec/enums.ts';
import { decodeNewSessionTicket12 } from '../../codec/messages/tls12.ts';
import type { HandshakeOutbox, HandshakeState, ReceivedMessage } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { HandshakeLog } from '../tls12/handshake-log.ts';

/** A TLS 1.2 ticket received, kept until the server's Finished proves the handshake. */
export interface PendingTicket {
  readonly ticket: Uint8Array;
  readonly lifetimeHint: number;
}

/**
 * TLS 1.2: the NewSessionTicket a server that answered session_ticket sends before its
 * change_cipher_spec (RFC 5077 §3.3). An empty ticket means it issued none.
 */
export class ExpectNewSessionTicket12 implements HandshakeState {
  readonly kind = 'ExpectNewSessionTicket12';
  readonly expects: readonly number[] = [HandshakeType.new_session_ticket];
  constructor(
    readonly log: HandshakeLog,
    readonly next: (ticket: PendingTicket | undefined) => HandshakeState,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): HandshakeState {
    if (msg.type !== HandshakeType.new_session_ticket) throw unexpectedMessage(this.kind, msg);
    const nst = decodeNewSessionTicket12(msg.body);
    this.log.add(msg.raw);
    out.step({ type: 'new-session-ticket', direction: 'received', lifetimeSeconds: nst.lifetimeHint });
    return this.next(nst.ticket.length > 0 ? nst : undefined);
  }
}
