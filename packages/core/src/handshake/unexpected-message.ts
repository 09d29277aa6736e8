import { TlsError } from '../errors/tls-error.ts';
import { nameOf } from '../codec/enums.ts';
import type { ReceivedMessage } from './outbox.ts';

/** `unexpected_message` for a message the current state does not take. */
export function unexpectedMessage(state: string, msg: ReceivedMessage): TlsError {
  return new TlsError('unexpected_message', `received ${nameOf.handshakeType(msg.type)} in state ${state}`);
}
