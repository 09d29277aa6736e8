import { ProtocolVersion, HandshakeType } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { encodeNewSessionTicket12 } from '../../codec/messages/tls12.ts';
import { decodeResumptionState, encodeResumptionState, type ResumptionState } from '../tickets/session-state.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import type { HandshakeOutbox } from '../outbox.ts';
import type { Session12 } from '../tls12/keys12.ts';
import type { HandshakeLog } from '../tls12/handshake-log.ts';
import type { ClientHello12Offer } from './client-hello12.ts';

/**
 * The session a client's TLS 1.2 ticket resumes, if it opens with our ticket keys (the same
 * keys as TLS 1.3's) and still fits: a TLS 1.2 session, within its lifetime, of a suite the
 * client offers and we allow, for the same server name, with the same extended-master-secret
 * state (RFC 7627 §5.3: otherwise a full handshake). Anything else: a full handshake.
 */
export function openTicket12(config: ResolvedServerConfig, offer: ClientHello12Offer): ResumptionState | undefined {
  const ticket = offer.sessionTicket;
  if (ticket === undefined || ticket.length === 0) return undefined;
  return openSealed12(config, offer, ticket);
}

/**
 * The session a client resumes by session id (RFC 5246 §7.4.1.2), from the session cache, with
 * the same checks as a ticket's. Tried when no ticket resumes.
 */
export function openSessionId12(config: ResolvedServerConfig, offer: ClientHello12Offer): ResumptionState | undefined {
  const id = offer.hello.legacySessionId;
  if (config.sessionCache === undefined || id.length === 0) return undefined;
  const sealed = config.sessionCache.get(id);
  return sealed === undefined ? undefined : openSealed12(config, offer, sealed);
}

function openSealed12(config: ResolvedServerConfig, offer: ClientHello12Offer, sealed: Uint8Array): ResumptionState | undefined {
  const plaintext = config.ticketKeys.open(sealed);
  const state = plaintext === undefined ? undefined : decodeResumptionState(plaintext);
  if (state === undefined || state.version !== ProtocolVersion.TLS1_2) return undefined;
  const age = config.clock() - state.createdAt;
  if (age < 0 || age > state.lifetimeSeconds * 1000) return undefined;
  if (!offer.hello.cipherSuites.includes(state.cipherSuite) || !config.cipherSuites12.includes(state.cipherSuite)) return undefined;
  if (state.serverName !== offer.serverName) return undefined;
  if ((state.extendedMasterSecret ?? false) !== offer.extendedMasterSecret) return undefined;
  return state;
}

/**
 * Send a TLS 1.2 NewSessionTicket (RFC 5077 §3.3) sealing the session's master secret, before
 * our change_cipher_spec. One per handshake: TLS 1.2 has no more.
 */
export function sendTicket12(config: ResolvedServerConfig, offer: ClientHello12Offer, session: Session12, alpn: Uint8Array | undefined, log: HandshakeLog, out: HandshakeOutbox): void {
  const ticket = sealSession12(config, offer, session, alpn);
  const raw = encodeHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket12({ lifetimeHint: config.ticketLifetime, ticket }));
  log.add(raw);
  out.sendHandshake(raw);
  out.step({ type: 'new-session-ticket', direction: 'sent', lifetimeSeconds: config.ticketLifetime });
}

/** Keep a full handshake's session under its session id (when the cache is on). */
export function cacheSession12(config: ResolvedServerConfig, offer: ClientHello12Offer, session: Session12, alpn: Uint8Array | undefined, sessionId: Uint8Array): void {
  if (config.sessionCache !== undefined && sessionId.length > 0) config.sessionCache.put(sessionId, sealSession12(config, offer, session, alpn));
}

/** The session's state (suite, master secret, EMS, ALPN, SNI, times), sealed with the ticket keys. */
function sealSession12(config: ResolvedServerConfig, offer: ClientHello12Offer, session: Session12, alpn: Uint8Array | undefined): Uint8Array {
  return config.ticketKeys.seal(
    encodeResumptionState({
      cipherSuite: session.suite.id,
      psk: session.masterSecret,
      ticketAgeAdd: 0,
      createdAt: Math.floor(config.clock()),
      lifetimeSeconds: config.ticketLifetime,
      alpn,
      serverName: offer.serverName,
      version: ProtocolVersion.TLS1_2,
      extendedMasterSecret: session.extendedMasterSecret,
    }),
  );
}
