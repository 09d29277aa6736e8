import { check } from '../../errors/tls-error.ts';
import { HandshakeType, nameOf } from '../../codec/enums.ts';
import { decodeServerKeyExchangeEcdhe } from '../../codec/messages/key-exchange12.ts';
import { isAllowedInTls12, schemeMatchesKey12, serverKeyExchangeInput, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import type { KeyExchangeGroup } from '../../crypto/provider.ts';
import { after, type HandshakeOutbox, type HandshakeState, type ReceivedMessage, type Transition } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import { keyExchangeGroup } from '../server13/client-hello-offer.ts';
import type { ServerCertificate12Result } from './expect-certificate12.ts';
import { ExpectServerHelloDone12 } from './expect-server-hello-done12.ts';

/** ...and what ServerKeyExchange gave: the server's ECDHE share and how it was signed. */
export interface ServerKeyExchange12Result extends ServerCertificate12Result {
  readonly group: KeyExchangeGroup;
  readonly serverShare: Uint8Array;
  readonly signatureScheme: number;
}

/**
 * TLS 1.2: ServerKeyExchange (RFC 8422 §5.4): a named curve we offered, a signature scheme we
 * offered that fits the certificate's key, and a signature over both randoms and the params
 * that verifies with that key.
 */
export class ExpectServerKeyExchange12 implements HandshakeState {
  readonly kind = 'ExpectServerKeyExchange12';
  readonly expects: readonly number[] = [HandshakeType.server_key_exchange];
  constructor(readonly result: ServerCertificate12Result) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.server_key_exchange) throw unexpectedMessage(this.kind, msg);
    const ske = decodeServerKeyExchangeEcdhe(msg.body);
    const { session, log, leafKey, serverRandom } = this.result;
    const { config } = session;
    const group = keyExchangeGroup(ske.group);
    check(group !== undefined && config.groups.includes(group), 'illegal_parameter', `ServerKeyExchange uses ${nameOf.namedGroup(ske.group)}, which we did not offer`);
    const scheme = nameOf.signatureScheme(ske.algorithm);
    check(config.signatureSchemes.includes(ske.algorithm) && isAllowedInTls12(ske.algorithm), 'illegal_parameter', `ServerKeyExchange is signed with ${scheme}, which we did not offer`);
    check(schemeMatchesKey12(ske.algorithm, leafKey), 'illegal_parameter', `${scheme} does not match the server certificate's key`);
    const signed = serverKeyExchangeInput(session.random, serverRandom, ske.params);
    return after(config.provider.verify(signatureAlgorithmFor(ske.algorithm)!, leafKey, signed, ske.signature), out, (ok, o) => {
      check(ok, 'decrypt_error', `ServerKeyExchange signature (${scheme}) does not verify`);
      log.add(msg.raw);
      o.step({ type: 'server-key-exchange', group, signatureScheme: scheme });
      const { chain } = this.result;
      o.step({ type: 'certificate-verified', signatureScheme: scheme, chainVerified: chain !== undefined, path: chain?.path.map((c) => c.subject) ?? [] });
      return new ExpectServerHelloDone12({ ...this.result, group, serverShare: ske.publicKey, signatureScheme: ske.algorithm }, undefined);
    });
  }
}
