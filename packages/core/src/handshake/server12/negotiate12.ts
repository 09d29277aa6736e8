import { TlsError } from '../../errors/tls-error.ts';
import { NamedGroup } from '../../codec/enums.ts';
import { getCipherSuite12, type CipherSuite12 } from '../../crypto/suites12.ts';
import { isAllowedInTls12, schemeMatchesKey, schemeMatchesKey12 } from '../../crypto/signature-schemes.ts';
import type { KeyExchangeGroup, PublicKey } from '../../crypto/provider.ts';
import { certificatesBySni } from '../server13/negotiate.ts';
import type { LoadedCertificate, ResolvedServerConfig } from '../server-config.ts';
import { keyFitsSuite } from '../tls12/key-fits-suite.ts';
import type { ClientHello12Offer } from './client-hello12.ts';

/** What a full TLS 1.2 handshake signs with: suite, certificate, scheme. */
export interface Choice12 {
  readonly suite: CipherSuite12;
  readonly certificate: LoadedCertificate;
  readonly scheme: number;
  readonly sniMatched: boolean;
}

/**
 * Our first TLS 1.2 suite the client offers for which a certificate fits (RFC 8422 §5.3: the
 * suite fixes the key type) and a scheme both sides accept can sign with it; certificates naming
 * the SNI host are tried first. None: `handshake_failure`.
 */
export function chooseSuite12(config: ResolvedServerConfig, offer: ClientHello12Offer): Choice12 {
  const { candidates, named } = certificatesBySni(config, offer.serverName);
  for (const id of config.cipherSuites12) {
    const suite = getCipherSuite12(id);
    if (suite === undefined || !offer.hello.cipherSuites.includes(id)) continue;
    for (const certificate of candidates) {
      const key = certificate.key.publicKey;
      if (!keyFitsSuite(suite, key) || !curveOffered(key, offer)) continue;
      // A scheme whose curve matches the key (as TLS 1.3 requires) first, then TLS 1.2's looser match.
      const usable = config.signatureSchemes12.filter((s) => offer.signatureAlgorithms.includes(s) && isAllowedInTls12(s));
      const scheme = usable.find((s) => schemeMatchesKey(s, key)) ?? usable.find((s) => schemeMatchesKey12(s, key));
      if (scheme !== undefined) return { suite, certificate, scheme, sniMatched: named.has(certificate) };
    }
  }
  throw new TlsError('handshake_failure', 'no TLS 1.2 cipher suite in common that one of our certificates can sign for');
}

/**
 * RFC 8422 §5.1.1: in TLS 1.2 supported_groups also lists the curves the client takes in an
 * ECDSA certificate.
 */
function curveOffered(key: PublicKey, offer: ClientHello12Offer): boolean {
  if (key.kind !== 'ecdsa') return true;
  const group = key.curve === 'P-256' ? NamedGroup.secp256r1 : key.curve === 'P-384' ? NamedGroup.secp384r1 : NamedGroup.secp521r1;
  return offer.supportedGroups.includes(group);
}

/** Our most preferred group the client supports (RFC 8422 §5.1.1); none: `handshake_failure`. */
export function chooseGroup12(config: ResolvedServerConfig, offer: ClientHello12Offer): KeyExchangeGroup {
  const group = config.groups.find((g) => offer.supportedGroups.includes(NamedGroup[g]));
  if (group === undefined) throw new TlsError('handshake_failure', 'no key exchange group in common');
  return group;
}
