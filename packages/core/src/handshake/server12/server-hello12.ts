import { ExtensionType, HandshakeType, ProtocolVersion } from '../../codec/enums.ts';
import type { Extension } from '../../codec/extension.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { DOWNGRADE_TLS12, encodeServerHello } from '../../codec/messages/server-hello.ts';
import { encodeEmptyExtension } from '../../codec/extensions/empty.ts';
import { encodeSelectedProtocol } from '../../codec/extensions/alpn.ts';
import { encodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { encodeEcPointFormats, encodeRenegotiationInfo } from '../../codec/extensions/tls12.ts';
import type { CipherSuite12 } from '../../crypto/suites12.ts';
import { MAX_PLAINTEXT } from '../../record/limits.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import type { HandshakeOutbox } from '../outbox.ts';
import type { ClientHello12Offer } from './client-hello12.ts';

/** What our TLS 1.2 ServerHello says. */
export interface ServerHello12Plan {
  readonly suite: CipherSuite12;
  readonly extendedMasterSecret: boolean;
  readonly alpn: Uint8Array | undefined;
  readonly sniMatched: boolean;
  /** We will send NewSessionTicket (RFC 5077 §3.2). */
  readonly issueTicket: boolean;
  /** Resuming: echo the client's session id (RFC 5077 §3.4, RFC 5246 §7.4.1.3). */
  readonly resumed: boolean;
  /** A full handshake's new session id (empty without a session cache). */
  readonly sessionId?: Uint8Array;
}

/**
 * The TLS 1.2 ServerHello (RFC 5246 §7.4.1.3), sent; returns it and our random. A server that
 * also speaks TLS 1.3 ends its random with the downgrade sentinel (RFC 8446 §4.1.3).
 */
export function sendServerHello12(config: ResolvedServerConfig, offer: ClientHello12Offer, plan: ServerHello12Plan, out: HandshakeOutbox): { raw: Uint8Array; random: Uint8Array } {
  const random = config.provider.randomBytes(32);
  if (config.versions.max >= ProtocolVersion.TLS1_3) random.set(DOWNGRADE_TLS12, 24);
  const extensions: Extension[] = [];
  if (offer.secureRenegotiation) extensions.push({ type: ExtensionType.renegotiation_info, data: encodeRenegotiationInfo() });
  if (plan.extendedMasterSecret) extensions.push({ type: ExtensionType.extended_master_secret, data: encodeEmptyExtension() });
  if (offer.ecPointFormats) extensions.push({ type: ExtensionType.ec_point_formats, data: encodeEcPointFormats() });
  if (plan.issueTicket) extensions.push({ type: ExtensionType.session_ticket, data: encodeEmptyExtension() });
  if (plan.sniMatched) extensions.push({ type: ExtensionType.server_name, data: encodeEmptyExtension() });
  if (plan.alpn !== undefined) extensions.push({ type: ExtensionType.application_layer_protocol_negotiation, data: encodeSelectedProtocol(plan.alpn) });
  out.useTls12();
  if (offer.recordSizeLimit !== undefined) {
    // RFC 8449 §4: in TLS 1.2 the value counts plaintext and may not exceed 2^14.
    out.setPeerRecordSizeLimit(offer.recordSizeLimit);
    extensions.push({ type: ExtensionType.record_size_limit, data: encodeRecordSizeLimit(Math.min(config.recordSizeLimit, MAX_PLAINTEXT)) });
  }
  const raw = encodeHandshake(
    HandshakeType.server_hello,
    encodeServerHello({
      legacyVersion: ProtocolVersion.TLS1_2,
      random,
      legacySessionIdEcho: plan.resumed ? offer.hello.legacySessionId : (plan.sessionId ?? new Uint8Array(0)),
      cipherSuite: plan.suite.id,
      legacyCompressionMethod: 0,
      extensions,
    }),
  );
  out.sendHandshake(raw);
  out.step({ type: 'server-hello-sent', cipherSuite: plan.suite.name, group: '', ...(plan.resumed ? { resumed: true } : {}) });
  return { raw, random };
}
