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
import { ProtocolVersion } from '../../codec/enums.ts';

/**
 * Begin a client handshake: generate key shares, send ClientHello (RFC 8446 §4.1.2), and
 * wait for ServerHello.
 */
export function startClientHandshake(config: ResolvedClientConfig, serverName: string | undefined, out: HandshakeOutbox): Transition<ClientState> {
  const { provider } = config;
  // Order matters for replaying RFC 8448: the random comes first, then the session id.
  const random = provider.randomBytes(32);
  // RFC 8446 Appendix D.4: a non-empty legacy_session_id in compatibility mode.
  const offer = takeTicket(config, serverName);
  // RFC 5077 §3.4: a TLS 1.2 ticket goes with a session id, which the server echoes to resume.
  const legacySessionId = config.middleboxCompatibility || offer.ticket12 !== undefined ? provider.randomBytes(32) : new Uint8Array(0);
  const session: ClientSession = {
    config,
    serverName,
    sniHostName: sniHostName(serverName),
    random,
    legacySessionId,
    transcript: new Transcript(provider),
  };
  const { psk, ticket12 } = offer;
  // A TLS 1.2-only ClientHello carries no key shares (RFC 8446 §4.2.8 is TLS 1.3's).
  const groups = config.versions.max >= ProtocolVersion.TLS1_3 ? config.groups.slice(0, config.keyShareCount) : [];
  return generateAll(groups.map((g) => () => provider.generateKeyPair(g)), out, (keyShares, o) => {
    const hello = clientHelloMessage(config, { random, legacySessionId, sniHostName: session.sniHostName, keyShares, cookie: undefined, psk, ticket12 });
    session.transcript.add(hello.raw);
    o.sendHandshake(hello.raw);
    // RFC 8446 §5: from the first ClientHello until the peer's Finished, a plaintext
    // change_cipher_spec (middlebox compatibility) may arrive and is dropped.
    o.setAcceptCompatibilityCcs(true);
    o.step(clientHelloStep(session, keyShares, false));
    return new ExpectServerHello(session, keyShares, hello.extensions, undefined, false, psk, { clientHello: hello.raw, ticket: ticket12 });
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
