import { UsageError } from '../../errors/tls-error.ts';
import { AlertDescription } from '../../errors/alert.ts';
import { HandshakeType } from '../../codec/enums.ts';
import { decodeEmptyMessage } from '../../codec/messages/key-exchange12.ts';
import { wipe } from '../../crypto/key-schedule.ts';
import type { NegotiatedParameters } from '../events.ts';
import type { HandshakeOutbox, ReceivedMessage, TrafficState } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { Session12 } from './keys12.ts';

/**
 * An established TLS 1.2 connection. rxtls never renegotiates (RFC 5746 §4.2, §4.4 let either
 * side decline). A client ignores a server's HelloRequest (RFC 5246 §7.4.1.1; answering with a
 * no_renegotiation warning makes OpenSSL end the connection), a server answers a client's new
 * ClientHello with a no_renegotiation warning (RFC 5246 §7.2.2) and takes nothing more of it.
 * Either way the connection goes on (`messages$` shows the request, and our alert), and the
 * engine's cap on post-handshake messages without data ends a peer that keeps asking.
 */
export class Connected12 implements TrafficState {
  readonly kind = 'Connected';
  readonly expects: readonly number[];
  constructor(
    readonly role: 'client' | 'server',
    readonly parameters: NegotiatedParameters,
    session: Session12,
  ) {
    // The master secret has done its work: keys are installed and tickets sealed.
    wipe(session.masterSecret);
    this.expects = role === 'client' ? [HandshakeType.hello_request] : [HandshakeType.client_hello];
  }

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Connected12 {
    if (this.role === 'client' && msg.type === HandshakeType.hello_request) {
      decodeEmptyMessage(msg.body, 'HelloRequest');
      return this;
    }
    if (this.role !== 'server' || msg.type !== HandshakeType.client_hello) throw unexpectedMessage(this.kind, msg);
    out.sendWarningAlert(AlertDescription.no_renegotiation);
    return this;
  }

  sendKeyUpdate(): TrafficState {
    throw new UsageError('TLS 1.2 has no KeyUpdate (the connection negotiated TLSv1.2)');
  }
}
