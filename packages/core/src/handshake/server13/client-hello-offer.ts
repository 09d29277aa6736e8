import { check } from '../../errors/tls-error.ts';
import { ExtensionType, NamedGroup, ProtocolVersion, nameOf } from '../../codec/enums.ts';
import { findExtension } from '../../codec/extension.ts';
import type { ClientHello } from '../../codec/messages/client-hello.ts';
import { decodeNamedGroupList } from '../../codec/extensions/supported-groups.ts';
import { decodeSignatureSchemeList } from '../../codec/extensions/signature-algorithms.ts';
import { decodeKeyShareClientHello, type KeyShareEntry } from '../../codec/extensions/key-share.ts';
import { decodeServerNameList } from '../../codec/extensions/server-name.ts';
import { decodeProtocolNameList } from '../../codec/extensions/alpn.ts';
import { decodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { decodeCookie } from '../../codec/extensions/cookie.ts';
import { decodePreSharedKeyClientHello, type OfferedPsks } from '../../codec/extensions/pre-shared-key.ts';
import { decodePskKeyExchangeModes } from '../../codec/extensions/psk-key-exchange-modes.ts';
import type { KeyExchangeGroup } from '../../crypto/provider.ts';

/** What a ClientHello offers, decoded and checked (RFC 8446 §4.1.2, §4.2). */
export interface ClientHelloOffer {
  readonly hello: ClientHello;
  readonly serverName: string | undefined;
  readonly supportedGroups: readonly number[];
  readonly keyShares: readonly KeyShareEntry[];
  readonly signatureAlgorithms: readonly number[];
  readonly alpn: readonly Uint8Array[] | undefined;
  readonly recordSizeLimit: number | undefined;
  readonly cookie: Uint8Array | undefined;
  readonly earlyData: boolean;
  /** pre_shared_key (RFC 8446 §4.2.11): the offered identities and binders. */
  readonly psk: OfferedPsks | undefined;
  /** psk_key_exchange_modes (RFC 8446 §4.2.9); empty when absent. */
  readonly pskModes: readonly number[];
}

const groupNames = new Map<number, KeyExchangeGroup>((['x25519', 'secp256r1', 'secp384r1'] as const).map((g) => [NamedGroup[g], g]));

/** Our name for a NamedGroup code point, if we implement it. */
export function keyExchangeGroup(code: number): KeyExchangeGroup | undefined {
  return groupNames.get(code);
}

/**
 * Decode the extensions a server acts on and apply the checks RFC 8446 puts on a ClientHello.
 * Unknown extensions are ignored (§4.2).
 */
export function readClientHello(hello: ClientHello): ClientHelloOffer {
  const ext = (type: number): Uint8Array | undefined => findExtension(hello.extensions, type);
  // The version was negotiated before (negotiate-version.ts): TLS 1.3 from supported_versions.
  // §4.1.2, Appendix D: a TLS 1.3 ClientHello carries legacy_version 0x0303.
  check(hello.legacyVersion === ProtocolVersion.TLS1_2, 'protocol_version', `TLS 1.3 ClientHello with legacy_version ${nameOf.protocolVersion(hello.legacyVersion)}, not 0x0303`);
  // §4.1.2: exactly one compression method, null.
  check(hello.legacyCompressionMethods.length === 1 && hello.legacyCompressionMethods[0] === 0, 'illegal_parameter', 'TLS 1.3 ClientHello must offer only the null compression method');

  // §9.2: key_share needs supported_groups; certificate authentication needs signature_algorithms.
  const keyShareData = ext(ExtensionType.key_share);
  const groupsData = ext(ExtensionType.supported_groups);
  const sigAlgsData = ext(ExtensionType.signature_algorithms);
  check(groupsData !== undefined, 'missing_extension', 'ClientHello has no supported_groups');
  check(keyShareData !== undefined, 'missing_extension', 'ClientHello has no key_share');
  const pskData = ext(ExtensionType.pre_shared_key);
  const pskModesData = ext(ExtensionType.psk_key_exchange_modes);
  // §9.2: signature_algorithms is required unless the client offers a PSK.
  check(sigAlgsData !== undefined || pskData !== undefined, 'missing_extension', 'ClientHello has no signature_algorithms');
  // §4.2.9: a client offering pre_shared_key must offer psk_key_exchange_modes.
  check(pskData === undefined || pskModesData !== undefined, 'missing_extension', 'ClientHello offers pre_shared_key without psk_key_exchange_modes');
  const supportedGroups = decodeNamedGroupList(groupsData);
  const keyShares = decodeKeyShareClientHello(keyShareData);
  // §4.2.8: shares only for offered groups.
  for (const share of keyShares) {
    check(supportedGroups.includes(share.group), 'illegal_parameter', `key_share for ${nameOf.namedGroup(share.group)}, which supported_groups does not list`);
  }
  // §4.2.11: pre_shared_key must be the last extension.
  const pskIndex = hello.extensions.findIndex((e) => e.type === ExtensionType.pre_shared_key);
  check(pskIndex === -1 || pskIndex === hello.extensions.length - 1, 'illegal_parameter', 'pre_shared_key is not the last extension');

  const sniData = ext(ExtensionType.server_name);
  const alpnData = ext(ExtensionType.application_layer_protocol_negotiation);
  const limitData = ext(ExtensionType.record_size_limit);
  const cookieData = ext(ExtensionType.cookie);
  return {
    hello,
    serverName: sniData === undefined ? undefined : decodeServerNameList(sniData),
    supportedGroups,
    keyShares,
    signatureAlgorithms: sigAlgsData === undefined ? [] : decodeSignatureSchemeList(sigAlgsData),
    alpn: alpnData === undefined ? undefined : decodeProtocolNameList(alpnData),
    recordSizeLimit: limitData === undefined ? undefined : decodeRecordSizeLimit(limitData),
    cookie: cookieData === undefined ? undefined : decodeCookie(cookieData),
    earlyData: ext(ExtensionType.early_data) !== undefined,
    psk: pskData === undefined ? undefined : decodePreSharedKeyClientHello(pskData),
    pskModes: pskModesData === undefined ? [] : decodePskKeyExchangeModes(pskModesData),
  };
}
