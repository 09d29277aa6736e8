import { HandshakeType, PskKeyExchangeMode } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { encodeNewSessionTicket } from '../../codec/messages/new-session-ticket.ts';
import { resumptionPsk } from '../../crypto/key-schedule.ts';
import type { CipherSuiteParams } from '../../crypto/suites.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import type { HandshakeOutbox } from '../outbox.ts';
import { encodeResumptionState } from '../tickets/session-state.ts';
import type { ClientHelloOffer } from './client-hello-offer.ts';

const TICKET_NONCE_LENGTH = 8;

/**
 * RFC 8446 §4.6.1: after the client's Finished, send `config.ticketCount` NewSessionTicket
 * messages, each a stateless ticket sealing the resumption PSK. Only to a client that offered
 * psk_dhe_ke (§4.2.9: without psk_key_exchange_modes a server must not send tickets; we do not
 * resume with psk_ke). Each ticket has its own nonce (so its own PSK) and ticket_age_add.
 */
export function issueTickets(
  config: ResolvedServerConfig,
  offer: ClientHelloOffer,
  suite: CipherSuiteParams,
  resumptionMasterSecret: Uint8Array,
  alpn: Uint8Array | undefined,
  out: HandshakeOutbox,
): void {
  if (config.ticketCount === 0 || !offer.pskModes.includes(PskKeyExchangeMode.psk_dhe_ke)) return;
  const { provider } = config;
  for (let i = 0; i < config.ticketCount; i++) {
    const ticketNonce = provider.randomBytes(TICKET_NONCE_LENGTH);
    const addBytes = provider.randomBytes(4);
    const ticketAgeAdd = ((addBytes[0]! << 24) | (addBytes[1]! << 16) | (addBytes[2]! << 8) | addBytes[3]!) >>> 0;
    const ticket = config.ticketKeys.seal(
      encodeResumptionState({
        cipherSuite: suite.id,
        psk: resumptionPsk(provider, suite, resumptionMasterSecret, ticketNonce),
        ticketAgeAdd,
        createdAt: Math.floor(config.clock()),
        lifetimeSeconds: config.ticketLifetime,
        alpn,
        serverName: offer.serverName,
      }),
    );
    const body = encodeNewSessionTicket({ ticketLifetime: config.ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions: [] });
    out.sendHandshake(encodeHandshake(HandshakeType.new_session_ticket, body));
  }
}
