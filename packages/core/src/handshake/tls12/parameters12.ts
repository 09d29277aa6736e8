import { nameOf } from '../../codec/enums.ts';
import type { CipherSuite12 } from '../../crypto/suites12.ts';
import type { NegotiatedParameters } from '../events.ts';

/** What a TLS 1.2 handshake settled, in the names `established` reports. */
export interface Settled12 {
  readonly suite: CipherSuite12;
  /** Absent when resumed (no key exchange group, no signature). */
  readonly group?: string;
  readonly signatureScheme?: number;
  readonly alpn: Uint8Array | undefined;
  readonly serverName: string | undefined;
  readonly resumed: boolean;
  readonly extendedMasterSecret: boolean;
  readonly peerCertificates?: readonly Uint8Array[];
  readonly verifiedPath?: readonly string[];
}

/** The `NegotiatedParameters` of a TLS 1.2 connection (both roles, full or resumed). */
export function negotiatedParameters12(s: Settled12): NegotiatedParameters {
  return {
    version: 'TLSv1.2',
    cipherSuite: s.suite.name,
    group: s.group ?? '',
    signatureScheme: s.signatureScheme === undefined ? '' : nameOf.signatureScheme(s.signatureScheme),
    alpn: s.alpn === undefined ? undefined : new TextDecoder().decode(s.alpn),
    serverName: s.serverName,
    helloRetry: false,
    resumed: s.resumed,
    extendedMasterSecret: s.extendedMasterSecret,
    peerCertificates: s.peerCertificates ?? [],
    verifiedPath: s.verifiedPath ?? [],
  };
}
