import type { KeyExchangeKeyPair } from '../../crypto/provider.ts';
import { Transcript } from '../../crypto/transcript.ts';
import type { ResolvedClientConfig } from '../config.ts';
import { after, type HandshakeOutbox, type Transition } from '../outbox.ts';
import { sniHostName } from '../server-name.ts';
import { clientHelloMessage } from './client-hello.ts';
import type { ClientSession } from './common.ts';
import { ExpectServerHello, clientHelloStep } from './expect-server-hello.ts';
import type { ClientState } from './state.ts';
import { takeTicket } from './offer-ticket.ts';

/**
 * Begin a client handshake: generate key shares, send ClientHello (RFC 8446 §4.1.2), and
 * wait for ServerHello.
 */
export function startClientHandshake(config: ResolvedClientConfig, serverName: string | undefined, out: HandshakeOutbox): Transition<ClientState> {
  const { provider } = config;
  // Order matters for replaying RFC 8448: the random comes first, then the session id.
  const random = provider.randomBytes(32);
  // RFC 8446 Appendix D.4: a non-empty legacy_session_id in compatibility mode.
  const legacySessionId = config.middleboxCompatibility ? provider.randomBytes(32) : new Uint8Array(0);
  const session: ClientSession = {
    config,
    serverName,
    sniHostName: sniHostName(serverName),
    random,
    legacySessionId,
    transcript: new Transcript(provider),
  };
  const psk = takeTicket(config, serverName);
  const groups = config.groups.slice(0, config.keyShareCount);
  return generateAll(groups.map((g) => () => provider.generateKeyPair(g)), out, (keyShares, o) => {
    const hello = clientHelloMessage(config, { random, legacySessionId, sniHostName: session.sniHostName, keyShares, cookie: undefined, psk });
    session.transcript.add(hello.raw);
    o.sendHandshake(hello.raw);
    // RFC 8446 §5: from the first ClientHello until the peer's Finished, a plaintext
    // change_cipher_spec (middlebox compatibility) may arrive and is dropped.
    o.setAcceptCompatibilityCcs(true);
    o.step(clientHelloStep(session, keyShares, false));
    return new ExpectServerHello(session, keyShares, hello.extensions, undefined, false, psk);
  });
}

/** Generate key pairs one after another, parking on any that is asynchronous. */
function generateAll(
  makers: readonly (() => ReturnType<ResolvedClientConfig['provider']['generateKeyPair']>)[],
  out: HandshakeOutbox,
  done: (pairs: KeyExchangeKeyPair[], out: HandshakeOutbox) => Transition<ClientState>,
  acc: KeyExchangeKeyPair[] = [],
): Transition<ClientState> {
  const first = makers[0];
  if (first === undefined) return done(acc, out);
  return after(first(), out, (kp, o) => generateAll(makers.slice(1), o, done, [...acc, kp]));
}
