import { TlsError } from '../../errors/tls-error.ts';
import { bytesEqual } from '../../bytes/util.ts';
import { NamedGroup } from '../../codec/enums.ts';
import type { KeyShareEntry } from '../../codec/extensions/key-share.ts';
import { getCipherSuite, type CipherSuiteParams } from '../../crypto/suites.ts';
import { isAllowedInCertificateVerify, schemeMatchesKey } from '../../crypto/signature-schemes.ts';
import type { KeyExchangeGroup } from '../../crypto/provider.ts';
import { matchesHost } from '../../x509/hostname.ts';
import type { LoadedCertificate, ResolvedServerConfig } from '../server-config.ts';
import type { ClientHelloOffer } from './client-hello-offer.ts';

// The server decides by its own preference order (RFC 8446 §4.1.1 leaves the choice to it).

/** The first of our suites the client offers; none: handshake_failure. */
export function chooseCipherSuite(config: ResolvedServerConfig, offer: ClientHelloOffer): CipherSuiteParams {
  for (const id of config.cipherSuites) {
    const suite = getCipherSuite(id);
    if (suite && offer.hello.cipherSuites.includes(id)) return suite;
  }
  throw new TlsError('handshake_failure', 'no cipher suite in common');
}

/** The key share to use: our most preferred group the client sent a share for. */
export type KeyShareChoice = { readonly share: KeyShareEntry; readonly group: KeyExchangeGroup } | { readonly retryGroup: KeyExchangeGroup };

/**
 * Our most preferred group among the client's shares; otherwise a HelloRetryRequest for our
 * most preferred group the client supports (RFC 8446 §4.1.4); no common group: handshake_failure.
 */
export function chooseKeyShare(config: ResolvedServerConfig, offer: ClientHelloOffer): KeyShareChoice {
  for (const group of config.groups) {
    const share = offer.keyShares.find((s) => s.group === NamedGroup[group]);
    if (share) return { share, group };
  }
  const retryGroup = config.groups.find((g) => offer.supportedGroups.includes(NamedGroup[g]));
  if (retryGroup === undefined) throw new TlsError('handshake_failure', 'no key exchange group in common');
  return { retryGroup };
}

/**
 * A certificate and the scheme to sign CertificateVerify with: certificates naming the SNI host
 * first (then the default, the first configured), and a scheme both we and the client accept
 * that fits the key (RFC 8446 §4.4.2.2). None fits: handshake_failure.
 */
/**
 * Our certificates in the order a server tries them: those naming the SNI host first (RFC 6066
 * §3), then the rest, the default (first configured) leading each group. `named` says which
 * matched, for the empty server_name answer. Both versions use it.
 */
export function certificatesBySni(config: ResolvedServerConfig, serverName: string | undefined): { candidates: LoadedCertificate[]; named: ReadonlySet<LoadedCertificate> } {
  const named = serverName === undefined ? [] : config.certificates.filter((c) => matchesHost(c.leaf, serverName));
  return { candidates: [...named, ...config.certificates.filter((c) => !named.includes(c))], named: new Set(named) };
}

export function chooseCertificate(config: ResolvedServerConfig, offer: ClientHelloOffer): { certificate: LoadedCertificate; scheme: number; sniMatched: boolean } {
  const { candidates, named } = certificatesBySni(config, offer.serverName);
  for (const certificate of candidates) {
    const scheme = config.signatureSchemes.find(
      (s) => offer.signatureAlgorithms.includes(s) && isAllowedInCertificateVerify(s) && schemeMatchesKey(s, certificate.key.publicKey),
    );
    if (scheme !== undefined) return { certificate, scheme, sniMatched: named.has(certificate) };
  }
  throw new TlsError('handshake_failure', 'no certificate fits the signature algorithms the client accepts');
}

/** RFC 7301 §3.2: our first protocol the client offers; none in common: no_application_protocol. */
export function chooseAlpn(config: ResolvedServerConfig, offer: Pick<ClientHelloOffer, 'alpn'>): Uint8Array | undefined {
  if (offer.alpn === undefined || config.alpnProtocols.length === 0) return undefined;
  const chosen = config.alpnProtocols.find((ours) => offer.alpn!.some((theirs) => bytesEqual(ours, theirs)));
  if (chosen === undefined) throw new TlsError('no_application_protocol', 'no application protocol in common');
  return chosen;
}
