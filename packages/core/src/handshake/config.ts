import { UsageError } from '../errors/tls-error.ts';
import { NamedGroup, SignatureScheme } from '../codec/enums.ts';
import type { Extension } from '../codec/extension.ts';
import type { CryptoProvider, KeyExchangeGroup, MaybePromise, PrivateKey } from '../crypto/provider.ts';
import type { VerifiedChain } from '../x509/verify.ts';
import { CertificateCache } from '../x509/cache.ts';
import { MemoryTicketStore, type TicketStore } from './tickets/ticket-store.ts';
import { DEFAULT_HANDSHAKE_SIZE_LIMITS, type HandshakeSizeLimits } from '../record/limits.ts';
import { resolveVersionRange, splitCipherSuites, type CipherSuite12Name, type TlsVersionName, type VersionRange } from './versions.ts';

export type CipherSuiteName = 'TLS_AES_128_GCM_SHA256' | 'TLS_AES_256_GCM_SHA384' | 'TLS_CHACHA20_POLY1305_SHA256';
export type SignatureSchemeName =
  | 'ecdsa_secp256r1_sha256'
  | 'ecdsa_secp384r1_sha384'
  | 'ed25519'
  | 'rsa_pss_rsae_sha256'
  | 'rsa_pss_rsae_sha384'
  | 'rsa_pss_rsae_sha512'
  | 'rsa_pkcs1_sha256'
  | 'rsa_pkcs1_sha384'
  | 'rsa_pkcs1_sha512';

/** What a peer-verification hook is told (pinning and other extra checks). */
export interface PeerVerificationInfo {
  /** The certificates as the peer sent them (DER, leaf first). */
  readonly certificates: readonly Uint8Array[];
  /** The validated path, or undefined when verification is disabled. */
  readonly chain: VerifiedChain | undefined;
  /** The name the connection was checked against. */
  readonly serverName: string | undefined;
}

/** Client configuration, shared by many connections (OpenSSL's `SSL_CTX`). */
export interface ClientConfig {
  /** The crypto provider. Default: the noble provider. */
  readonly provider?: CryptoProvider;
  /** Trust anchors: PEM text or DER, one or several. Required unless verification is disabled. */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /**
   * Turns off certificate chain and host name checks. The server's CertificateVerify
   * signature is still checked against its leaf key. Only for tests and debugging.
   */
  readonly dangerouslyDisableCertificateVerification?: boolean;
  /** Extra check after the chain was validated (pinning, CT policy...). Throw or reject to refuse the peer. */
  readonly verifyPeer?: (info: PeerVerificationInfo) => MaybePromise<void>;
  /** ALPN protocol names to offer, in preference order (RFC 7301). */
  readonly alpnProtocols?: readonly string[];
  /**
   * Cipher suites to offer, in preference order: TLS 1.3 and TLS 1.2 names in one list; a
   * version the list names no suite of keeps its defaults.
   */
  readonly cipherSuites?: readonly (CipherSuiteName | CipherSuite12Name)[];
  /** The lowest version to negotiate (node:tls's name). Default 'TLSv1.2'. */
  readonly minVersion?: TlsVersionName;
  /** The highest version to offer. Default 'TLSv1.3'. */
  readonly maxVersion?: TlsVersionName;
  /**
   * TLS 1.2 only: refuse a server without the extended master secret (RFC 7627). Default
   * true; false lets a legacy server through (its master secret then does not cover the
   * handshake, RFC 7627 §1).
   */
  readonly requireExtendedMasterSecret?: boolean;
  /** Key exchange groups to offer, in preference order. */
  readonly groups?: readonly KeyExchangeGroup[];
  /** How many of the leading groups get a key share in the first ClientHello (default 1). */
  readonly keyShareCount?: number;
  /** Signature schemes to accept for CertificateVerify and certificate signatures. */
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  /** Send a legacy session id and a dummy change_cipher_spec (RFC 8446 Appendix D.4). Default true. */
  readonly middleboxCompatibility?: boolean;
  /** The record_size_limit to announce (RFC 8449), 64..16385. Default 16385. */
  readonly recordSizeLimit?: number;
  /** Bytes of outgoing records the engine may hold before write() reports WANT_WRITE. Default 128 KiB. */
  readonly outgoingBufferLimit?: number;
  /** The largest handshake message of each kind we buffer (see {@link HandshakeSizeLimits} for the defaults). */
  readonly handshakeSizeLimits?: Partial<HandshakeSizeLimits>;
  /** Wall-clock time for certificate validity. Default `new Date()`. */
  readonly now?: () => Date;
  /** Timestamp source for events, in ms since the epoch. Default `performance.timeOrigin + performance.now()`. */
  readonly clock?: () => number;
  /**
   * Where session tickets are kept between connections, by server name; a connection to a name
   * with a valid ticket offers to resume it (RFC 8446 §2.2). Default: an in-memory store per
   * context. `false`: no resumption (tickets are still reported on `tickets$`).
   */
  readonly ticketStore?: TicketStore | false;
  /** Our certificate and key, sent when a server asks (RFC 8446 §4.4.2); without it we answer with an empty Certificate. */
  readonly certificate?: {
    readonly chain: string | Uint8Array | readonly (string | Uint8Array)[];
    readonly key: string | Uint8Array | PrivateKey;
  };
  /** Test hooks. Not for production use. */
  readonly testing?: {
    /** Rewrite the ClientHello extension list before it is encoded (reproducing published traces). */
    readonly rewriteClientHelloExtensions?: (extensions: readonly Extension[]) => Extension[];
  };
}

/** A config with every default applied and every name turned into a code point. */
export interface ResolvedClientConfig {
  readonly provider: CryptoProvider;
  readonly trustAnchors: readonly Uint8Array[];
  /** Parsed peer certificates and verified signatures, shared by this config's connections. */
  readonly certificateCache: CertificateCache;
  readonly verifyCertificates: boolean;
  readonly verifyPeer: ((info: PeerVerificationInfo) => MaybePromise<void>) | undefined;
  readonly alpnProtocols: readonly Uint8Array[];
  /** TLS 1.3 suites, code points in preference order. */
  readonly cipherSuites: readonly number[];
  /** TLS 1.2 suites, code points in preference order. */
  readonly cipherSuites12: readonly number[];
  readonly versions: VersionRange;
  readonly requireExtendedMasterSecret: boolean;
  readonly groups: readonly KeyExchangeGroup[];
  readonly keyShareCount: number;
  readonly signatureSchemes: readonly number[];
  readonly middleboxCompatibility: boolean;
  readonly recordSizeLimit: number;
  readonly outgoingBufferLimit: number;
  readonly handshakeSizeLimits: HandshakeSizeLimits;
  readonly now: () => Date;
  readonly clock: () => number;
  readonly rewriteClientHelloExtensions: ((extensions: readonly Extension[]) => Extension[]) | undefined;
  readonly ticketStore: TicketStore | undefined;
  /** Our certificate chain (DER) and key, if configured. */
  readonly clientCertificate: { readonly chain: readonly Uint8Array[]; readonly key: PrivateKey } | undefined;
}

export const DEFAULT_CIPHER_SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
export const DEFAULT_GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
export const DEFAULT_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
];

/** Default timestamp source. */
export function defaultClock(): number {
  return performance.timeOrigin + performance.now();
}

function codePoint<T extends Record<string, number>>(table: T, name: string, what: string): number {
  const v = table[name];
  if (v === undefined) throw new UsageError(`unknown ${what} "${name}"`);
  return v;
}

function unique<T>(list: readonly T[], what: string): readonly T[] {
  if (new Set(list).size !== list.length) throw new UsageError(`${what} lists an entry twice`);
  if (list.length === 0) throw new UsageError(`${what} is empty`);
  return list;
}

/**
 * Apply defaults and validate. `loadTrustAnchors` turns PEM/DER into DER (x509/ owns that).
 * Throws `UsageError` for a bad option: that is a caller's mistake, not the peer's.
 */
export function resolveClientConfig(
  config: ClientConfig,
  deps: {
    defaultProvider: CryptoProvider;
    loadTrustAnchors: (input: NonNullable<ClientConfig['ca']>) => Uint8Array[];
    loadPrivateKey?: (input: string | Uint8Array) => PrivateKey;
  },
): ResolvedClientConfig {
  const verifyCertificates = config.dangerouslyDisableCertificateVerification !== true;
  const trustAnchors = config.ca === undefined ? [] : deps.loadTrustAnchors(config.ca);
  if (verifyCertificates && trustAnchors.length === 0) {
    throw new UsageError('no trust anchors: pass `ca` (PEM or DER), or set dangerouslyDisableCertificateVerification');
  }
  const provider = config.provider ?? deps.defaultProvider;
  const groups = unique(config.groups ?? DEFAULT_GROUPS, 'groups');
  for (const g of groups) {
    if (!provider.keyExchangeGroups.includes(g)) throw new UsageError(`provider ${provider.name} does not support group ${g}`);
    codePoint(NamedGroup, g, 'group');
  }
  const keyShareCount = config.keyShareCount ?? 1;
  if (!Number.isInteger(keyShareCount) || keyShareCount < 1 || keyShareCount > groups.length) {
    throw new UsageError(`keyShareCount must be 1..${groups.length}`);
  }
  const recordSizeLimit = config.recordSizeLimit ?? 2 ** 14 + 1;
  if (!Number.isInteger(recordSizeLimit) || recordSizeLimit < 64 || recordSizeLimit > 2 ** 14 + 1) {
    throw new UsageError('recordSizeLimit must be 64..16385 (RFC 8449)');
  }
  const outgoingBufferLimit = config.outgoingBufferLimit ?? 128 * 1024;
  if (!Number.isInteger(outgoingBufferLimit) || outgoingBufferLimit < 1024) throw new UsageError('outgoingBufferLimit must be at least 1024');
  const alpn = (config.alpnProtocols ?? []).map((p) => {
    const b = new TextEncoder().encode(p);
    if (b.length < 1 || b.length > 255) throw new UsageError(`ALPN protocol "${p}" must be 1..255 bytes`);
    return b;
  });
  return {
    provider,
    trustAnchors,
    certificateCache: new CertificateCache(),
    verifyCertificates,
    verifyPeer: config.verifyPeer,
    alpnProtocols: alpn,
    ...suites(config.cipherSuites),
    versions: resolveVersionRange(config.minVersion, config.maxVersion),
    requireExtendedMasterSecret: config.requireExtendedMasterSecret ?? true,
    groups,
    keyShareCount,
    signatureSchemes: unique(config.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES, 'signatureSchemes').map((s) => codePoint(SignatureScheme, s, 'signature scheme')),
    middleboxCompatibility: config.middleboxCompatibility ?? true,
    recordSizeLimit,
    outgoingBufferLimit,
    handshakeSizeLimits: resolveHandshakeSizeLimits(config.handshakeSizeLimits),
    now: config.now ?? (() => new Date()),
    clock: config.clock ?? defaultClock,
    rewriteClientHelloExtensions: config.testing?.rewriteClientHelloExtensions,
    ticketStore: config.ticketStore === false ? undefined : (config.ticketStore ?? new MemoryTicketStore()),
    clientCertificate: resolveClientCertificate(config.certificate, deps),
  };
}

function suites(names: readonly string[] | undefined): { cipherSuites: readonly number[]; cipherSuites12: readonly number[] } {
  const { tls13, tls12 } = splitCipherSuites(names, DEFAULT_CIPHER_SUITES);
  return { cipherSuites: tls13, cipherSuites12: tls12 };
}

/** The defaults with the given sizes in place; each must be an integer in 1 KiB..2^24 − 1 (the field's range, RFC 8446 §4). */
export function resolveHandshakeSizeLimits(given: Partial<HandshakeSizeLimits> | undefined, defaults: HandshakeSizeLimits = DEFAULT_HANDSHAKE_SIZE_LIMITS): HandshakeSizeLimits {
  const limits = { ...defaults, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1024 || value > 0xffffff) throw new UsageError(`handshakeSizeLimits.${name} must be an integer in 1024..16777215`);
  }
  return limits;
}

function resolveClientCertificate(
  certificate: ClientConfig['certificate'],
  deps: { loadTrustAnchors: (input: NonNullable<ClientConfig['ca']>) => Uint8Array[]; loadPrivateKey?: (input: string | Uint8Array) => PrivateKey },
): ResolvedClientConfig['clientCertificate'] {
  if (certificate === undefined) return undefined;
  const chain = deps.loadTrustAnchors(certificate.chain);
  if (chain.length === 0) throw new UsageError('certificate.chain holds no certificate');
  const { key } = certificate;
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) return { chain, key };
  if (!deps.loadPrivateKey) throw new UsageError('no private key loader available');
  return { chain, key: deps.loadPrivateKey(key) };
}
