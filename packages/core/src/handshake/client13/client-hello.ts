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
}

/** The ClientHello extensions, in the order we send them. RFC 8446 §4.1.2, §9.2. */
export function clientHelloExtensions(config: ResolvedClientConfig, plan: ClientHelloPlan): Extension[] {
  const exts: Extension[] = [];
  if (plan.sniHostName !== undefined) exts.push({ type: ExtensionType.server_name, data: encodeServerNameList(plan.sniHostName) });
  exts.push({ type: ExtensionType.supported_groups, data: encodeNamedGroupList(config.groups.map((g) => NamedGroup[g])) });
  exts.push({ type: ExtensionType.signature_algorithms, data: encodeSignatureSchemeList(config.signatureSchemes) });
  exts.push({ type: ExtensionType.supported_versions, data: encodeSupportedVersionsClientHello([ProtocolVersion.TLS1_3]) });
  exts.push({
    type: ExtensionType.key_share,
    data: encodeKeyShareClientHello(plan.keyShares.map((k) => ({ group: NamedGroup[k.group], keyExchange: k.publicKey }))),
  });
  // Without psk_key_exchange_modes a server may not send NewSessionTicket (RFC 8446 §4.2.9).
  exts.push({ type: ExtensionType.psk_key_exchange_modes, data: encodePskKeyExchangeModes([PskKeyExchangeMode.psk_dhe_ke]) });
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
    cipherSuites: [...config.cipherSuites],
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
