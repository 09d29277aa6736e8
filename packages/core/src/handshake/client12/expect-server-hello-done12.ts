import { check } from '../../errors/tls-error.ts';
import { HandshakeType } from '../../codec/enums.ts';
import { decodeEmptyMessage } from '../../codec/messages/key-exchange12.ts';
import { decodeCertificateRequest12, type CertificateRequest12 } from '../../codec/messages/tls12.ts';
import type { HandshakeOutbox, HandshakeState, ReceivedMessage, Transition } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { ServerKeyExchange12Result } from './expect-server-key-exchange12.ts';
import { sendClientFlight12 } from './client-flight12.ts';

/**
 * TLS 1.2: an optional CertificateRequest (RFC 5246 §7.4.4), then ServerHelloDone (§7.4.5),
 * after which the client sends its flight.
 */
export class ExpectServerHelloDone12 implements HandshakeState {
  readonly kind = 'ExpectServerHelloDone12';
  readonly expects: readonly number[];
  constructor(
    readonly result: ServerKeyExchange12Result,
    readonly certificateRequest: CertificateRequest12 | undefined,
  ) {
    this.expects = certificateRequest === undefined ? [HandshakeType.certificate_request, HandshakeType.server_hello_done] : [HandshakeType.server_hello_done];
  }

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type === HandshakeType.certificate_request && this.certificateRequest === undefined) {
      const request = decodeCertificateRequest12(msg.body);
      check(request.signatureAlgorithms.length > 0, 'decode_error', 'CertificateRequest lists no signature algorithm');
      this.result.log.add(msg.raw);
      out.step({ type: 'certificate-request' });
      return new ExpectServerHelloDone12(this.result, request);
    }
    if (msg.type !== HandshakeType.server_hello_done) throw unexpectedMessage(this.kind, msg);
    decodeEmptyMessage(msg.body, 'ServerHelloDone');
    this.result.log.add(msg.raw);
    out.step({ type: 'server-hello-done' });
    return sendClientFlight12(this.result, this.certificateRequest, out);
  }
}
