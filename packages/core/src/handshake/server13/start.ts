import { Transcript } from '../../crypto/transcript.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import type { HandshakeOutbox, HandshakeState, Transition } from '../outbox.ts';
import { ExpectClientHello } from './expect-client-hello.ts';

/** Begin a server handshake: wait for ClientHello. */
export function startServerHandshake(config: ResolvedServerConfig, _out: HandshakeOutbox): Transition<HandshakeState> {
  return new ExpectClientHello(config, new Transcript(config.provider), undefined);
}
