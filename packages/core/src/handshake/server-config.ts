import { UsageError } from '../errors/tls-error.ts';
import type { Extension } from '../codec/extension.ts';
import { NamedGroup, SignatureScheme } from '../codec/enums.ts';
import type { CryptoProvider, KeyExchangeGroup, PrivateKey } from '../crypto/provider.ts';
import type { ParsedCertificate } from '../x509/certificate.ts';
import { CertificateCache } from '../x509/cache.ts';
import { TicketKeys, type TicketProtector } from './tickets/ticket-keys.ts';
import { MemorySessionCache, type SessionCache } from './tickets/session-cache.ts';
import { DEFAULT_CIPHER_SUITES, DEFAULT_GROUPS, defaultClock, resolveHandshakeSizeLimits, type CipherSuiteName, type SignatureSchemeName } from './config.ts';
import { DEFAULT_SERVER_HANDSHAKE_SIZE_LIMITS, type HandshakeSizeLimits } from '../record/limits.ts';
import { resolveVersionRange, splitCipherSuites, type CipherSuite12Name, type TlsVersionName, type VersionRange } from './versions.ts';

/** One certificate chain and its private key. */
export interface ServerCertificate {
  /** The leaf first, then intermediates: PEM text or DER, one or several. */
  readonly chain: string | Uint8Array | readonly (string | Uint8Array)[];
  /** PKCS#8, SEC1 or PKCS#1 PEM (or DER), or an already loaded key. */
  readonly key: string | Uint8Array | PrivateKey;
}

/** Server configuration, shared by many connections (OpenSSL's `SSL_CTX` for a server). */
export interface ServerConfig {
  readonly provider?: CryptoProvider;
  /** One or more certificate/key pairs, picked per connection by SNI and the client's signature_algorithms. The first is the default. */
  readonly certificates: readonly ServerCertificate[];
  /** ALPN protocols in our preference order (RFC 7301); when the client offers ALPN and none matches: no_application_protocol. */
  readonly alpnProtocols?: readonly string[];
  /** Suites in our preference order (the server picks): TLS 1.3 and 1.2 names in one list; a version named by none keeps its defaults. */
  readonly cipherSuites?: readonly (CipherSuiteName | CipherSuite12Name)[];
  /** The lowest version to accept (node:tls's name). Default 'TLSv1.2'. */
  readonly minVersion?: TlsVersionName;
  /** The highest version to accept. Default 'TLSv1.3'. */
  readonly maxVersion?: TlsVersionName;
  /** TLS 1.2 only: refuse clients without the extended master secret (RFC 7627). Default true. */
  readonly requireExtendedMasterSecret?: boolean;
  /** Groups in our preference order; a client without a share for an acceptable group gets a HelloRetryRequest. */
  readonly groups?: readonly KeyExchangeGroup[];
  /** Signature schemes we are willing to sign CertificateVerify with, in preference order. */
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  /** The record_size_limit to announce (RFC 8449). Default 16385. */
  readonly recordSizeLimit?: number;
  readonly outgoingBufferLimit?: number;
  /** The largest handshake message of each kind we buffer (ClientHello 16 KiB, a client's Certificate 256 KiB...). */
  readonly handshakeSizeLimits?: Partial<HandshakeSizeLimits>;
  readonly clock?: () => number;
  readonly now?: () => Date;
  /**
   * Seals session tickets (RFC 8446 §4.6.1). Share one {@link TicketKeys} between contexts (and
   * call its `rotate()` now and then). Default: a random key for this context.
   */
  readonly ticketKeys?: TicketProtector;
  /** NewSessionTicket messages after each handshake (resumed ones included); 0 turns tickets off. Default 2. */
  readonly ticketCount?: number;
  /** ticket_lifetime in seconds, 1..604800 (seven days, RFC 8446 §4.6.1). Default 7200. */
  readonly ticketLifetime?: number;
  /**
   * TLS 1.2: where full handshakes' sessions are kept for clients that resume by session id
   * (sealed with `ticketKeys`, valid for `ticketLifetime`). Default: 1000 sessions in memory per
   * context; `false`: session ids are not resumed (tickets still are).
   */
  readonly sessionCache?: SessionCache | false;
  /** Ask clients for a certificate and check it against these anchors. */
  readonly clientAuth?: ClientAuthConfig;
  /** Test hooks (reproducing published traces). Not for production use. */
  readonly testing?: ServerTestingHooks;
}

/** Test hooks of a server: shape our extension lists, fix the HelloRetryRequest cookie. */
export interface ServerTestingHooks {
  readonly rewriteExtensions?: (message: 'server_hello' | 'hello_retry_request' | 'encrypted_extensions', ours: readonly Extension[]) => Extension[];
  readonly cookie?: () => Uint8Array;
}

/** `ours`, or what the test hook makes of it. */
export function shapeExtensions(config: ResolvedServerConfig, message: 'server_hello' | 'hello_retry_request' | 'encrypted_extensions', ours: Extension[]): Extension[] {
  return config.testing?.rewriteExtensions ? config.testing.rewriteExtensions(message, ours) : ours;
}

/** Asking clients for certificates (RFC 8446 §4.3.2, §4.4.2). */
export interface ClientAuthConfig {
  /** Trust anchors for client certificates: PEM text or DER, one or several. */
  readonly ca: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Refuse clients without a certificate (certificate_required). Default true. */
  readonly required?: boolean;
}

/** Resolved {@link ClientAuthConfig}. */
export interface ResolvedClientAuth {
  readonly trustAnchors: readonly Uint8Array[];
  readonly required: boolean;
  readonly cache: CertificateCache;
}

/** A loaded certificate: DER chain, parsed leaf, key. */
export interface LoadedCertificate {
  readonly chain: readonly Uint8Array[];
  readonly leaf: ParsedCertificate;
  readonly key: PrivateKey;
}

export interface ResolvedServerConfig {
  readonly provider: CryptoProvider;
  readonly certificates: readonly LoadedCertificate[];
  readonly alpnProtocols: readonly Uint8Array[];
  readonly cipherSuites: readonly number[];
  /** TLS 1.2 suites in preference order. */
  readonly cipherSuites12: readonly number[];
  readonly versions: VersionRange;
  readonly requireExtendedMasterSecret: boolean;
  readonly groups: readonly KeyExchangeGroup[];
  readonly signatureSchemes: readonly number[];
  /** What we sign a TLS 1.2 ServerKeyExchange with: `signatureSchemes`, plus rsa_pkcs1_* unless the list was given. */
  readonly signatureSchemes12: readonly number[];
  readonly recordSizeLimit: number;
  readonly outgoingBufferLimit: number;
  readonly handshakeSizeLimits: HandshakeSizeLimits;
  readonly clock: () => number;
  readonly now: () => Date;
  readonly ticketKeys: TicketProtector;
  readonly ticketCount: number;
  readonly ticketLifetime: number;
  /** TLS 1.2 session-id resumption, when on. */
  readonly sessionCache: SessionCache | undefined;
  /** Set when the server asks for client certificates. */
  readonly clientAuth: ResolvedClientAuth | undefined;
  readonly testing: ServerTestingHooks | undefined;
}

/** CertificateVerify schemes a server signs with, in default preference order (RFC 8446 §4.2.3). */
export const DEFAULT_SERVER_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
];

/** Apply defaults and load certificates and keys; a bad option is a UsageError. */
export function resolveServerConfig(
  config: ServerConfig,
  deps: {
    defaultProvider: CryptoProvider;
    loadCertificates: (input: ServerCertificate['chain']) => Uint8Array[];
    parseCertificate: (der: Uint8Array) => ParsedCertificate;
    loadPrivateKey: (input: string | Uint8Array) => PrivateKey;
  },
): ResolvedServerConfig {
  if (config.certificates.length === 0) throw new UsageError('a server needs at least one certificate');
  const provider = config.provider ?? deps.defaultProvider;
  const certificates = config.certificates.map((c, i): LoadedCertificate => {
    const chain = deps.loadCertificates(c.chain);
    if (chain.length === 0) throw new UsageError(`certificate #${i} has no certificate in its chain`);
    let leaf: ParsedCertificate;
    try {
      leaf = deps.parseCertificate(chain[0]!);
    } catch (e) {
      throw new UsageError(`certificate #${i} does not parse: ${e instanceof Error ? e.message : String(e)}`);
    }
    const key = typeof c.key === 'string' || c.key instanceof Uint8Array ? deps.loadPrivateKey(c.key) : c.key;
    return { chain, leaf, key };
  });
  const names = <T extends string>(list: readonly T[] | undefined, fallback: readonly T[], table: Record<string, number>, what: string): number[] => {
    const chosen = list ?? fallback;
    if (chosen.length === 0) throw new UsageError(`${what} is empty`);
    return chosen.map((n) => {
      const v = table[n];
      if (v === undefined) throw new UsageError(`unknown ${what} entry "${n}"`);
      return v;
    });
  };
  const groups = config.groups ?? DEFAULT_GROUPS;
  for (const g of groups) {
    if (!provider.keyExchangeGroups.includes(g) || NamedGroup[g] === undefined) throw new UsageError(`group ${g} is not supported by provider ${provider.name}`);
  }
  const recordSizeLimit = config.recordSizeLimit ?? 2 ** 14 + 1;
  if (!Number.isInteger(recordSizeLimit) || recordSizeLimit < 64 || recordSizeLimit > 2 ** 14 + 1) throw new UsageError('recordSizeLimit must be 64..16385 (RFC 8449)');
  const ticketCount = config.ticketCount ?? 2;
  if (!Number.isInteger(ticketCount) || ticketCount < 0 || ticketCount > 16) throw new UsageError('ticketCount must be 0..16');
  const ticketLifetime = config.ticketLifetime ?? 7200;
  if (!Number.isInteger(ticketLifetime) || ticketLifetime < 1 || ticketLifetime > 604800) throw new UsageError('ticketLifetime must be 1..604800 seconds (RFC 8446 §4.6.1)');
  return {
    provider,
    certificates,
    alpnProtocols: (config.alpnProtocols ?? []).map((p) => {
      const b = new TextEncoder().encode(p);
      if (b.length < 1 || b.length > 255) throw new UsageError(`ALPN protocol "${p}" must be 1..255 bytes`);
      return b;
    }),
    ...suitesOf(config.cipherSuites),
    versions: resolveVersionRange(config.minVersion, config.maxVersion),
    requireExtendedMasterSecret: config.requireExtendedMasterSecret ?? true,
    groups,
    signatureSchemes: names(config.signatureSchemes, DEFAULT_SERVER_SIGNATURE_SCHEMES, SignatureScheme, 'signatureSchemes'),
    // RFC 5246 §7.4.1.4.1: PKCS#1 v1.5 signatures are TLS 1.2's usual RSA ones.
    signatureSchemes12: names(config.signatureSchemes, [...DEFAULT_SERVER_SIGNATURE_SCHEMES, 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512'], SignatureScheme, 'signatureSchemes'),
    recordSizeLimit,
    outgoingBufferLimit: config.outgoingBufferLimit ?? 128 * 1024,
    handshakeSizeLimits: resolveHandshakeSizeLimits(config.handshakeSizeLimits, DEFAULT_SERVER_HANDSHAKE_SIZE_LIMITS),
    clock: config.clock ?? defaultClock,
    now: config.now ?? (() => new Date()),
    ticketKeys: config.ticketKeys ?? new TicketKeys(),
    ticketCount,
    ticketLifetime,
    sessionCache: config.sessionCache === false ? undefined : (config.sessionCache ?? new MemorySessionCache()),
    clientAuth: config.clientAuth === undefined ? undefined : resolveClientAuth(config.clientAuth, deps.loadCertificates),
    testing: config.testing,
  };
}

function suitesOf(list: readonly string[] | undefined): { cipherSuites: readonly number[]; cipherSuites12: readonly number[] } {
  const { tls13, tls12 } = splitCipherSuites(list, DEFAULT_CIPHER_SUITES);
  return { cipherSuites: tls13, cipherSuites12: tls12 };
}

function resolveClientAuth(auth: ClientAuthConfig, loadCertificates: (input: ClientAuthConfig['ca']) => Uint8Array[]): ResolvedClientAuth {
  const trustAnchors = loadCertificates(auth.ca);
  if (trustAnchors.length === 0) throw new UsageError('clientAuth.ca holds no certificate');
  return { trustAnchors, required: auth.required ?? true, cache: new CertificateCache() };
}
