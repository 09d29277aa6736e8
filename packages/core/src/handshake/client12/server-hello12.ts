import { TlsError, check } from '../../errors/tls-error.ts';
import { bytesEqual } from '../../bytes/util.ts';
import { ExtensionType, nameOf } from '../../codec/enums.ts';
import { findExtension, type Extension } from '../../codec/extension.ts';
import type { ServerHello } from '../../codec/messages/server-hello.ts';
import { decodeEcPointFormats, decodeRenegotiationInfo } from '../../codec/extensions/tls12.ts';
import { decodeEmptyExtension } from '../../codec/extensions/empty.ts';
import { decodeSelectedProtocol } from '../../codec/extensions/alpn.ts';
import { decodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { getCipherSuite12 } from '../../crypto/suites12.ts';
import type { KeyExchangeKeyPair } from '../../crypto/provider.ts';
import type { HandshakeOutbox, ReceivedMessage, Transition } from '../outbox.ts';
import type { HandshakeState } from '../outbox.ts';
import type { SessionTicket } from '../events.ts';
import type { ClientSession } from '../client13/common.ts';
import { HandshakeLog } from '../tls12/handshake-log.ts';
import type { Session12 } from '../tls12/keys12.ts';
import { ExpectCertificate12, type ServerHello12Result } from './expect-certificate12.ts';
import { resumedHandshake12 } from './resume12.ts';

/** What our ClientHello offered that a TLS 1.2 ServerHello is checked against. */
export interface ClientHello12Offer {
  /** The ClientHello as sent: the first message of the 1.2 transcript. */
  readonly clientHello: Uint8Array;
  /** The TLS 1.2 ticket in session_ticket, if any. */
  readonly ticket: SessionTicket | undefined;
}

/** The extensions a TLS 1.2 ServerHello may answer with (each only if we offered it). */
const SERVER_HELLO_12_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.server_name,
  ExtensionType.ec_point_formats,
  ExtensionType.extended_master_secret,
  ExtensionType.renegotiation_info,
  ExtensionType.session_ticket,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.record_size_limit,
]);

/**
 * A TLS 1.2 ServerHello (RFC 5246 §7.4.1.3): the suite must be one of ours, each extension one
 * we offered; renegotiation_info empty (RFC 5746 §3.4); the extended master secret present
 * unless the config lets a legacy server through (RFC 7627 §5.2). Then the full handshake, or
 * the abbreviated one when the server echoes the session id that went with our ticket
 * (RFC 5077 §3.4).
 */
export function handleServerHello12(
  session: ClientSession,
  offer: ClientHello12Offer & { readonly keyShares: readonly KeyExchangeKeyPair[]; readonly offered: readonly Extension[] },
  sh: ServerHello,
  msg: ReceivedMessage,
  out: HandshakeOutbox,
): Transition<HandshakeState> {
  const { config } = session;
  const suite = getCipherSuite12(sh.cipherSuite);
  check(suite !== undefined && config.cipherSuites12.includes(sh.cipherSuite), 'illegal_parameter', `server chose cipher suite ${nameOf.cipherSuite(sh.cipherSuite)}, which we did not offer for TLS 1.2`);
  check(sh.legacyCompressionMethod === 0, 'illegal_parameter', 'ServerHello compression_method must be null');
  for (const ext of sh.extensions) {
    check(offer.offered.some((o) => o.type === ext.type), 'unsupported_extension', `ServerHello carries ${nameOf.extensionType(ext.type)}, which we did not offer`);
    check(SERVER_HELLO_12_EXTENSIONS.has(ext.type), 'unsupported_extension', `a TLS 1.2 ServerHello may not carry ${nameOf.extensionType(ext.type)}`);
  }
  const ext = (type: number): Uint8Array | undefined => findExtension(sh.extensions, type);
  const renegotiation = ext(ExtensionType.renegotiation_info);
  // RFC 5746 §3.4: on an initial handshake renegotiated_connection is empty.
  if (renegotiation !== undefined) check(decodeRenegotiationInfo(renegotiation).length === 0, 'handshake_failure', 'renegotiation_info is not empty on an initial handshake');
  const points = ext(ExtensionType.ec_point_formats);
  if (points !== undefined) decodeEcPointFormats(points);
  const emsData = ext(ExtensionType.extended_master_secret);
  if (emsData !== undefined) decodeEmptyExtension(emsData, 'extended_master_secret');
  const ems = emsData !== undefined;
  if (!ems && config.requireExtendedMasterSecret) {
    throw new TlsError('handshake_failure', 'server does not support the extended master secret (RFC 7627); set requireExtendedMasterSecret: false to allow such a legacy server');
  }
  const ticketData = ext(ExtensionType.session_ticket);
  if (ticketData !== undefined) decodeEmptyExtension(ticketData, 'session_ticket');
  const alpnData = ext(ExtensionType.application_layer_protocol_negotiation);
  const alpn = alpnData === undefined ? undefined : decodeSelectedProtocol(alpnData);
  if (alpn !== undefined) check(config.alpnProtocols.some((p) => bytesEqual(p, alpn)), 'illegal_parameter', 'server selected an ALPN protocol we did not offer');
  const sni = ext(ExtensionType.server_name);
  if (sni !== undefined) decodeEmptyExtension(sni, 'server_name');

  out.useTls12();
  const limit = ext(ExtensionType.record_size_limit);
  if (limit !== undefined) out.setPeerRecordSizeLimit(decodeRecordSizeLimit(limit));
  const log = new HandshakeLog(config.provider, suite.hash, [offer.clientHello, msg.raw]);
  const result: ServerHello12Result = {
    session,
    suite,
    serverRandom: sh.random.slice(),
    log,
    extendedMasterSecret: ems,
    alpn,
    ticketExpected: ticketData !== undefined,
    keyShares: offer.keyShares,
  };
  const resumed = isResumption(session, offer.ticket, sh);
  out.step({ type: 'server-hello', version: 'TLSv1.2', cipherSuite: suite.name, group: '', resumed: resumed !== undefined, extendedMasterSecret: ems });
  if (resumed !== undefined) return resumedHandshake12(result, resumed, out);
  return new ExpectCertificate12(result);
}

/**
 * RFC 5077 §3.4: the server resumes our ticket by echoing the session id we sent with it. It
 * must keep the ticket's suite and its extended-master-secret state (RFC 7627 §5.3).
 */
function isResumption(session: ClientSession, ticket: SessionTicket | undefined, sh: ServerHello): SessionTicket | undefined {
  const echoed = sh.legacySessionIdEcho.length > 0 && bytesEqual(sh.legacySessionIdEcho, session.legacySessionId);
  if (!echoed) return undefined;
  check(ticket !== undefined, 'illegal_parameter', 'server echoed our session id, but we offered no session to resume');
  check(sh.cipherSuite === ticket.cipherSuite, 'illegal_parameter', 'server resumed our ticket with another cipher suite');
  const ems = findExtension(sh.extensions, ExtensionType.extended_master_secret) !== undefined;
  check(ems === (ticket.extendedMasterSecret ?? false), 'handshake_failure', 'server resumed a session without the extended master secret state it was created with (RFC 7627 §5.3)');
  return ticket;
}

/** A TLS 1.2 session resumed from a ticket: its master secret is the ticket's (copied). */
export function sessionFromTicket(result: ServerHello12Result, ticket: SessionTicket): Session12 {
  return {
    provider: result.session.config.provider,
    suite: result.suite,
    masterSecret: ticket.psk.slice(),
    clientRandom: result.session.random,
    serverRandom: result.serverRandom,
    extendedMasterSecret: result.extendedMasterSecret,
  };
}
