import { check } from '../errors/tls-error.ts';
import { ExtensionType, HandshakeType, KeyUpdateRequest } from '../codec/enums.ts';
import { findExtension } from '../codec/extension.ts';
import { encodeHandshake } from '../codec/handshake.ts';
import { decodeNewSessionTicket } from '../codec/messages/new-session-ticket.ts';
import { decodeKeyUpdate, encodeKeyUpdate } from '../codec/messages/key-update.ts';
import { decodeMaxEarlyDataSize } from '../codec/extensions/early-data.ts';
import { nextApplicationTrafficSecret, resumptionPsk, wipe } from '../crypto/key-schedule.ts';
import type { CipherSuiteParams } from '../crypto/suites.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import type { NegotiatedParameters, SessionTicket } from './events.ts';
import type { TicketStore } from './tickets/ticket-store.ts';
import type { HandshakeOutbox, ReceivedMessage, TrafficState } from './outbox.ts';
import { unexpectedMessage } from './unexpected-message.ts';

/** The secrets of an established connection, from this side's point of view. */
export interface TrafficSecrets {
  readonly suite: CipherSuiteParams;
  readonly parameters: NegotiatedParameters;
  /** The peer's current application_traffic_secret_N. */
  readonly readSecret: Uint8Array;
  /** Our current application_traffic_secret_N. */
  readonly writeSecret: Uint8Array;
  readonly exporterMasterSecret: Uint8Array;
  readonly resumptionMasterSecret: Uint8Array;
}

/** What the traffic phase needs to know about its connection. */
export interface TrafficContext {
  readonly role: 'client' | 'server';
  readonly config: {
    readonly provider: CryptoProvider;
    /** A client's ticket store: tickets received go there too. */
    readonly ticketStore?: TicketStore | undefined;
    readonly now?: () => Date;
  };
  readonly serverName: string | undefined;
}

// RFC 8446 §4.6.1: a ticket lives at most seven days.
const MAX_TICKET_LIFETIME = 604800;

/**
 * The handshake is done: post-handshake messages only (RFC 8446 §4.6), for either side. Only
 * what this phase needs is kept: the handshake's transcript and key shares are let go.
 */
export class Connected implements TrafficState {
  readonly kind = 'Connected';
  constructor(
    readonly session: TrafficContext,
    readonly secrets: TrafficSecrets,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Connected {
    switch (msg.type) {
      case HandshakeType.new_session_ticket:
        // Only servers send tickets (RFC 8446 §4.6.1).
        if (this.session.role !== 'client') throw unexpectedMessage(this.kind, msg);
        return this.handleNewSessionTicket(msg, out);
      case HandshakeType.key_update:
        return this.handleKeyUpdate(msg, out);
      default:
        // We never offer post_handshake_auth, so a CertificateRequest is unexpected too, and
        // a client never sends one.
        throw unexpectedMessage(this.kind, msg);
    }
  }

  /** RFC 8446 §4.6.1. */
  private handleNewSessionTicket(msg: ReceivedMessage, out: HandshakeOutbox): Connected {
    const nst = decodeNewSessionTicket(msg.body);
    check(nst.ticketLifetime <= MAX_TICKET_LIFETIME, 'illegal_parameter', `ticket lifetime ${nst.ticketLifetime}s exceeds seven days`);
    const earlyData = findExtension(nst.extensions, ExtensionType.early_data);
    const { suite, resumptionMasterSecret } = this.secrets;
    const { config, serverName } = this.session;
    const ticket: SessionTicket = {
      ticket: nst.ticket.slice(),
      lifetimeSeconds: nst.ticketLifetime,
      ageAdd: nst.ticketAgeAdd,
      nonce: nst.ticketNonce.slice(),
      maxEarlyDataSize: earlyData === undefined ? undefined : decodeMaxEarlyDataSize(earlyData),
      receivedAt: config.now ? config.now().getTime() : Date.now(),
      cipherSuite: suite.id,
      psk: resumptionPsk(this.session.config.provider, suite, resumptionMasterSecret, nst.ticketNonce),
      serverName,
    };
    // A ticket for a connection without a server name could not be matched to a server later.
    if (config.ticketStore !== undefined && serverName !== undefined) config.ticketStore.put(serverName, ticket);
    out.ticket(ticket);
    return this;
  }

  /** RFC 8446 §4.6.3: the peer changed its keys; answer when it asks, once while we are silent. */
  private handleKeyUpdate(msg: ReceivedMessage, out: HandshakeOutbox): Connected {
    const { requestUpdate } = decodeKeyUpdate(msg.body);
    const { suite } = this.secrets;
    const peerNext = nextApplicationTrafficSecret(this.session.config.provider, suite, this.secrets.readSecret);
    out.setReadKeys(suite, peerNext);
    wipe(this.secrets.readSecret); // the peer's old key is gone (RFC 8446 §4.6.3)
    out.keyUpdated('received');
    let next = new Connected(this.session, { ...this.secrets, readSecret: peerNext });
    if (requestUpdate === KeyUpdateRequest.update_requested && !out.keyUpdateAnswerPending()) next = next.sendKeyUpdate(false, out);
    return next;
  }

  /** Send KeyUpdate and move to the next write secret (RFC 8446 §7.2). */
  sendKeyUpdate(requestPeer: boolean, out: HandshakeOutbox): Connected {
    const { suite } = this.secrets;
    const request = requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested;
    out.sendHandshake(encodeHandshake(HandshakeType.key_update, encodeKeyUpdate({ requestUpdate: request })));
    const ourNext = nextApplicationTrafficSecret(this.session.config.provider, suite, this.secrets.writeSecret);
    out.setWriteKeys(suite, ourNext);
    wipe(this.secrets.writeSecret);
    out.keyUpdated('sent');
    return new Connected(this.session, { ...this.secrets, writeSecret: ourNext });
  }
}
