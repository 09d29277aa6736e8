import { TlsError, check } from '../../errors/tls-error.ts';
import { CipherSuite, ExtensionType, ProtocolVersion, nameOf } from '../../codec/enums.ts';
import { findExtension } from '../../codec/extension.ts';
import type { ClientHello } from '../../codec/messages/client-hello.ts';
import { decodeSupportedVersionsClientHello } from '../../codec/extensions/supported-versions.ts';
import { allows, describeRange, type VersionRange } from '../versions.ts';

/**
 * The version a server speaks with this ClientHello: the highest both allow, from
 * supported_versions (RFC 8446 §4.2.1) or, without it, from legacy_version (RFC 5246 §E.1).
 * None in common: `protocol_version`, saying what each side has. RFC 7507 §3: a client that
 * signals TLS_FALLBACK_SCSV while offering less than our best is refused with
 * `inappropriate_fallback` (it retried after a connection that should have worked).
 */
export function negotiateVersion(range: VersionRange, hello: ClientHello): number {
  const data = findExtension(hello.extensions, ExtensionType.supported_versions);
  const offered = data === undefined ? legacyVersions(hello.legacyVersion) : decodeSupportedVersionsClientHello(data);
  const chosen = [ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2].find((v) => offered.includes(v) && allows(range, v));
  if (chosen === undefined) {
    const theirs = offered.length === 0 ? 'nothing' : offered.map((v) => nameOf.protocolVersion(v)).join(', ');
    throw new TlsError('protocol_version', `client offers ${theirs}; we speak ${describeRange(range)}`);
  }
  if (hello.cipherSuites.includes(CipherSuite.TLS_FALLBACK_SCSV)) {
    check(chosen >= range.max, 'inappropriate_fallback', `client fell back to ${nameOf.protocolVersion(chosen)} (TLS_FALLBACK_SCSV) though we speak ${describeRange(range)}`);
  }
  return chosen;
}

/** The versions a ClientHello without supported_versions offers: legacy_version and below. */
function legacyVersions(legacyVersion: number): number[] {
  const all = [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_0];
  return all.filter((v) => v <= legacyVersion);
}
