import { TlsError, check } from '../../errors/tls-error.ts';
import { CipherSuite, ExtensionType, NamedGroup } from '../../codec/enums.ts';
import { findExtension } from '../../codec/extension.ts';
import type { ClientHello } from '../../codec/messages/client-hello.ts';
import { decodeNamedGroupList } from '../../codec/extensions/supported-groups.ts';
import { decodeSignatureSchemeList } from '../../codec/extensions/signature-algorithms.ts';
import { decodeServerNameList } from '../../codec/extensions/server-name.ts';
import { decodeProtocolNameList } from '../../codec/extensions/alpn.ts';
import { decodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { decodeEmptyExtension } from '../../codec/extensions/empty.ts';
import { decodeEcPointFormats, decodeRenegotiationInfo } from '../../codec/extensions/tls12.ts';

/** What a TLS 1.2 ClientHello offers, decoded and checked (RFC 5246 §7.4.1.2 and the extension RFCs). */
export interface ClientHello12Offer {
  readonly hello: ClientHello;
  readonly serverName: string | undefined;
  /** RFC 8422 §4: without supported_groups, secp256r1 is assumed. */
  readonly supportedGroups: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  readonly alpn: readonly Uint8Array[] | undefined;
  readonly recordSizeLimit: number | undefined;
  /** The client sent ec_point_formats (we answer it, RFC 8422 §5.2). */
  readonly ecPointFormats: boolean;
  readonly extendedMasterSecret: boolean;
  /** The client signalled secure renegotiation (extension or SCSV, RFC 5746 §3.4). */
  readonly secureRenegotiation: boolean;
  /** session_ticket: absent, empty (wants one) or a ticket to resume (RFC 5077 §3.2). */
  readonly sessionTicket: Uint8Array | undefined;
}

/**
 * Decode the extensions a TLS 1.2 server acts on. The null compression method must be offered
 * (RFC 5246 §7.4.1.2); renegotiation_info must be empty on an initial handshake (RFC 5746
 * §3.6); signature_algorithms is required, since its absence would mean SHA-1 (§7.4.1.4.1),
 * which rxtls does not sign with.
 */
export function readClientHello12(hello: ClientHello): ClientHello12Offer {
  const ext = (type: number): Uint8Array | undefined => findExtension(hello.extensions, type);
  check(hello.legacyCompressionMethods.includes(0), 'illegal_parameter', 'ClientHello does not offer the null compression method');
  const renegotiation = ext(ExtensionType.renegotiation_info);
  if (renegotiation !== undefined) check(decodeRenegotiationInfo(renegotiation).length === 0, 'handshake_failure', 'renegotiation_info is not empty on an initial handshake');
  const sigAlgs = ext(ExtensionType.signature_algorithms);
  if (sigAlgs === undefined) throw new TlsError('handshake_failure', 'ClientHello has no signature_algorithms: TLS 1.2 would then mean SHA-1 signatures, which we do not make');
  const groups = ext(ExtensionType.supported_groups);
  const points = ext(ExtensionType.ec_point_formats);
  if (points !== undefined) decodeEcPointFormats(points);
  const ems = ext(ExtensionType.extended_master_secret);
  if (ems !== undefined) decodeEmptyExtension(ems, 'extended_master_secret');
  const sni = ext(ExtensionType.server_name);
  const alpn = ext(ExtensionType.application_layer_protocol_negotiation);
  const limit = ext(ExtensionType.record_size_limit);
  return {
    hello,
    serverName: sni === undefined ? undefined : decodeServerNameList(sni),
    supportedGroups: groups === undefined ? [NamedGroup.secp256r1] : decodeNamedGroupList(groups),
    signatureAlgorithms: decodeSignatureSchemeList(sigAlgs),
    alpn: alpn === undefined ? undefined : decodeProtocolNameList(alpn),
    recordSizeLimit: limit === undefined ? undefined : decodeRecordSizeLimit(limit),
    ecPointFormats: points !== undefined,
    extendedMasterSecret: ems !== undefined,
    secureRenegotiation: renegotiation !== undefined || hello.cipherSuites.includes(CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
    sessionTicket: ext(ExtensionType.session_ticket),
  };
}
