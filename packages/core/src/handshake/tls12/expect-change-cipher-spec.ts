import type { HandshakeOutbox, HandshakeState, ReceivedMessage, TakesChangeCipherSpec } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import { installKeys12, type Session12 } from './keys12.ts';

/**
 * TLS 1.2: waiting for the peer's change_cipher_spec (RFC 5246 §7.1), which no handshake
 * message may precede. It switches our read keys; `next` is the state after it (the peer's
 * Finished).
 */
export class ExpectChangeCipherSpec12 implements TakesChangeCipherSpec {
  readonly kind = 'ExpectChangeCipherSpec12';
  readonly expects: readonly number[] = [];
  constructor(
    readonly session: Session12,
    readonly self: 'client' | 'server',
    readonly next: () => HandshakeState,
  ) {}

  handle(msg: ReceivedMessage): HandshakeState {
    throw unexpectedMessage(this.kind, msg);
  }

  changeCipherSpec(out: HandshakeOutbox): HandshakeState {
    installKeys12(out, this.session, this.self, 'read');
    out.step({ type: 'change-cipher-spec', direction: 'received' });
    return this.next();
  }
}
