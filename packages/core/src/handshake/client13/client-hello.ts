import { ExtensionType, HandshakeType, ProtocolVersion, PskKeyExchangeMode, NamedGroup } from '../../codec/enums.ts';
import type { Extension } from '../../codec/extension.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { encodeClientHello } from '../../codec/messages/client-hello.ts';
import { encodeServerNameList } from '../../codec/extensions/server-name.ts';
import { encodeNamedGroupList } from '../../codec/extensions/supported-groups.ts';
import { encodeSignatureSchemeList } from '../../codec/extensions/signature-algorithms.ts';
import { encodeSupportedVersionsClientHello } from '../../codec/extensions/supported-versions.ts';
import { encodeKeyShareClientHello } from '../../codec/extensions/key-share.ts';
import { encodePskKeyExchangeModes } from '../../codec/extensions/psk-key-exchange-modes.ts';
import { encodeProtocolNameList } from '../../codec/extensions/alpn.ts';
import { encodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { encodeCookie } from '../../codec/extensions/cookie.ts';
import { encodePreSharedKeyClientHello, encodePskBinders, truncateClientHelloForBinders } from '../../codec/extensions/pre-shared-key.ts';
import { encodeEcPointFormats, encodeRenegotiationInfo } from '../../codec/extensions/tls12.ts';
import { encodeEmptyExtension } from '../../codec/extensions/empty.ts';
import { concat } from '../../bytes/util.ts';
import { EarlySecret, finishedVerifyData } from '../../crypto/key-schedule.ts';
import type { CipherSuiteParams } from '../../crypto/suites.ts';
import type { KeyExchangeKeyPair } from '../../crypto/provider.ts';
import type { ResolvedClientConfig } from '../config.ts';
import type { SessionTicket } from '../events.ts';

/** A ticket we offer to resume (RFC 8446 §4.2.11), with the suite it was issued under. */
export interface OfferedTicket {
  readonly ticket: SessionTicket;
  readonly suite: CipherSuiteParams;
  /** §4.2.11.1: the ticket's age in ms plus ticket_age_add, mod 2^32. */
  readonly obfuscatedTicketAge: number;
}

/** The per-connection inputs of a ClientHello. */
export interface ClientHelloPlan {
  readonly random: Uint8Array;
  readonly legacySessionId: Uint8Array;
  /** host_name for server_name, already filtered (no IP literals). */
  readonly sniHostName: string | undefined;
  readonly keyShares: readonly KeyExchangeKeyPair[];
  /** Echoed from a HelloRetryRequest (RFC 8446 §4.2.2). */
  readonly cookie: Uint8Array | undefined;
  /** The ticket to offer, if any. */
  readonly psk?: OfferedTicket | undefined;
  /** A TLS 1.2 ticket to offer in session_ticket (RFC 5077 §3.2), if any. */
  readonly ticket12?: SessionTicket | undefined;
}

/** Whether the config lets us offer TLS 1.3, and TLS 1.2. */
function offers(config: ResolvedClientConfig): { tls13: boolean; tls12: boolean } {
  return { tls13: config.versions.max >= ProtocolVersion.TLS1_3, tls12: config.versions.min <= ProtocolVersion.TLS1_2 };
}

/** The cipher_suites list: TLS 1.3 suites, then TLS 1.2 ones, each as far as the versions allow. */
export function offeredCipherSuites(config: ResolvedClientConfig): number[] {
  const { tls13, tls12 } = offers(config);
  return [...(tls13 ? config.cipherSuites : []), ...(tls12 ? config.cipherSuites12 : [])];
}

/** The ClientHello extensions, in the order we send them. RFC 8446 §4.1.2, §9.2. */
export function clientHelloExtensions(config: ResolvedClientConfig, plan: ClientHelloPlan): Extension[] {
  const exts: Extension[] = [];
  if (plan.sniHostName !== undefined) exts.push({ type: ExtensionType.server_name, data: encodeServerNameList(plan.sniHostName) });
  const { tls13, tls12 } = offers(config);
  exts.push({ type: ExtensionType.supported_groups, data: encodeNamedGroupList(config.groups.map((g) => NamedGroup[g])) });
  exts.push({ type: ExtensionType.signature_algorithms, data: encodeSignatureSchemeList(config.signatureSchemes) });
  if (tls12) {
    // RFC 8422 §5.1.2, RFC 7627 §5.1, RFC 5746 §3.4 (the extension, not the SCSV), RFC 5077 §3.2.
    exts.push({ type: ExtensionType.ec_point_formats, data: encodeEcPointFormats() });
    exts.push({ type: ExtensionType.extended_master_secret, data: encodeEmptyExtension() });
    exts.push({ type: ExtensionType.renegotiation_info, data: encodeRenegotiationInfo() });
    exts.push({ type: ExtensionType.session_ticket, data: plan.ticket12?.ticket ?? new Uint8Array(0) });
  }
  if (tls13) {
    // RFC 8446 §4.2.1: our versions, newest first; without TLS 1.3 a 1.2 ClientHello has none.
    exts.push({ type: ExtensionType.supported_versions, data: encodeSupportedVersionsClientHello(tls12 ? [ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2] : [ProtocolVersion.TLS1_3]) });
    exts.push({
      type: ExtensionType.key_share,
      data: encodeKeyShareClientHello(plan.keyShares.map((k) => ({ group: NamedGroup[k.group], keyExchange: k.publicKey }))),
    });
    // Without psk_key_exchange_modes a server may not send NewSessionTicket (RFC 8446 §4.2.9).
    exts.push({ type: ExtensionType.psk_key_exchange_modes, data: encodePskKeyExchangeModes([PskKeyExchangeMode.psk_dhe_ke]) });
  }
  if (config.alpnProtocols.length > 0) {
    exts.push({ type: ExtensionType.application_layer_protocol_negotiation, data: encodeProtocolNameList(config.alpnProtocols) });
  }
  exts.push({ type: ExtensionType.record_size_limit, data: encodeRecordSizeLimit(config.recordSizeLimit) });
  if (plan.cookie !== undefined) exts.push({ type: ExtensionType.cookie, data: encodeCookie(plan.cookie) });
  if (plan.psk !== undefined) exts.push({ type: ExtensionType.pre_shared_key, data: pskExtension(plan.psk, new Uint8Array(plan.psk.suite.hashLength)) });
  const shaped = config.rewriteClientHelloExtensions ? config.rewriteClientHelloExtensions(exts) : exts;
  // §4.2.11: pre_shared_key must be the last extension, whatever a rewrite did.
  const psk = shaped.filter((e) => e.type === ExtensionType.pre_shared_key);
  return [...shaped.filter((e) => e.type !== ExtensionType.pre_shared_key), ...psk];
}

function pskExtension(offer: OfferedTicket, binder: Uint8Array): Uint8Array {
  return encodePreSharedKeyClientHello({ identities: [{ identity: offer.ticket.ticket, obfuscatedTicketAge: offer.obfuscatedTicketAge }], binders: [binder] });
}

/**
 * The whole ClientHello handshake message (header included). RFC 8446 §4.1.2. With a ticket,
 * `transcriptHashWith(truncated)` gives the hash of the transcript before this ClientHello
 * followed by `truncated` (the ClientHello without its binders), under the ticket's hash: the
 * binder is computed over it and written in last (§4.2.11.2).
 */
export function clientHelloMessage(
  config: ResolvedClientConfig,
  plan: ClientHelloPlan,
  transcriptHashWith?: (truncated: Uint8Array) => Uint8Array,
): { raw: Uint8Array; extensions: readonly Extension[] } {
  const extensions = clientHelloExtensions(config, plan);
  const body = encodeClientHello({
    legacyVersion: ProtocolVersion.TLS1_2,
    random: plan.random,
    legacySessionId: plan.legacySessionId,
    cipherSuites: offeredCipherSuites(config),
    legacyCompressionMethods: [0],
    extensions,
  });
  const raw = encodeHandshake(HandshakeType.client_hello, body);
  const psk = plan.psk;
  if (psk === undefined || !extensions.some((e) => e.type === ExtensionType.pre_shared_key)) return { raw, extensions };
  const placeholder = [new Uint8Array(psk.suite.hashLength)];
  const truncated = truncateClientHelloForBinders(raw, placeholder);
  const hashOf = transcriptHashWith ?? ((t: Uint8Array) => config.provider.createHash(psk.suite.hash).update(t).digest());
  const binderKey = EarlySecret.create(config.provider, psk.suite, psk.ticket.psk).binderKey(false);
  const binder = finishedVerifyData(config.provider, psk.suite, binderKey, hashOf(truncated));
  return { raw: concat(truncated, encodePskBinders([binder])), extensions };
}
