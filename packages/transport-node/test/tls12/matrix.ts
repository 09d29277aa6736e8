import type { CipherSuite12Name, KeyExchangeGroup } from '@rxtls/core';

/** The certificate types the TLS 1.2 interop runs, and the suites each can serve (RFC 8422 §5.3). */
export const CERTS = ['p256', 'p384', 'ed25519', 'rsa2048'] as const;
export type CertKind = (typeof CERTS)[number];

const ECDSA_SUITES: readonly [CipherSuite12Name, string][] = [
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
];
const RSA_SUITES: readonly [CipherSuite12Name, string][] = [
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
];

/** [IANA name, OpenSSL name] of the suites a certificate of `kind` serves. */
export function suitesFor(kind: CertKind): readonly [CipherSuite12Name, string][] {
  return kind === 'rsa2048' ? RSA_SUITES : ECDSA_SUITES;
}

/** [our name, OpenSSL's name, GnuTLS's priority name]. */
export const GROUPS: readonly [KeyExchangeGroup, string, string][] = [
  ['x25519', 'X25519', 'GROUP-X25519'],
  ['secp256r1', 'P-256', 'GROUP-SECP256R1'],
  ['secp384r1', 'P-384', 'GROUP-SECP384R1'],
];

/** GnuTLS's priority name of a suite's cipher. */
export function gnutlsCipher(suite: CipherSuite12Name): string {
  if (suite.includes('AES_128')) return 'AES-128-GCM';
  if (suite.includes('AES_256')) return 'AES-256-GCM';
  return 'CHACHA20-POLY1305';
}

/** The signature scheme each certificate type ends up with in TLS 1.2 by default. */
export const EXPECTED_SCHEME: Record<CertKind, string> = {
  p256: 'ecdsa_secp256r1_sha256',
  p384: 'ecdsa_secp384r1_sha384',
  ed25519: 'ed25519',
  rsa2048: 'rsa_pss_rsae_sha256',
};

/** RFC 8422 §5.1.1: in TLS 1.2 supported_groups also names the curve of an ECDSA certificate. */
export const CERT_CURVE: Record<CertKind, KeyExchangeGroup | undefined> = { p256: 'secp256r1', p384: 'secp384r1', ed25519: undefined, rsa2048: undefined };

/** The groups a client offers to get `group` and still accept a `kind` certificate: `group` first. */
export function groupsFor(kind: CertKind, group: KeyExchangeGroup): KeyExchangeGroup[] {
  const curve = CERT_CURVE[kind];
  return curve === undefined || curve === group ? [group] : [group, curve];
}

/** OpenSSL's name of a group. */
export function opensslGroup(group: KeyExchangeGroup): string {
  return GROUPS.find(([g]) => g === group)![1];
}
