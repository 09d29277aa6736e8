import { HandshakeType } from '../../codec/enums.ts';
import type { HandshakeOutbox, HandshakeState, ReceivedMessage, Transition } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { HandshakeLog } from './handshake-log.ts';
import { checkFinished12, type Session12 } from './keys12.ts';

/** TLS 1.2: the peer's Finished (RFC 5246 §7.4.9), under the keys its change_cipher_spec started; then `then`. */
export class ExpectFinished12 implements HandshakeState {
  readonly kind = 'ExpectFinished12';
  readonly expects: readonly number[] = [HandshakeType.finished];
  constructor(
    readonly session: Session12,
    readonly log: HandshakeLog,
    readonly peer: 'client' | 'server',
    readonly then: (out: HandshakeOutbox) => Transition<HandshakeState>,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage(this.kind, msg);
    checkFinished12(this.session, this.peer, this.log, msg.body);
    this.log.add(msg.raw);
    out.step({ type: this.peer === 'server' ? 'server-finished' : 'client-finished' });
    return this.then(out);
  }
}
