import { UsageError } from '../errors/tls-error.ts';
import type { CryptoProvider, KeyExchangeGroup } from '../crypto/provider.ts';
import type { CipherSuiteName, ClientConfig, SignatureSchemeName } from '../handshake/config.ts';
import type { CipherSuite12Name, TlsVersionName } from '../handshake/versions.ts';
import type { ClientAuthConfig, ServerCertificate, ServerConfig } from '../handshake/server-config.ts';

// The options every transport takes for what a context negotiates, named as `tls.connect` and
// `tls.createServer` name them where they mean the same thing, and the pure functions that turn
// them into core's configs. What a transport adds (sockets, timeouts, default trust, key log)
// stays in the transport.

/** ALPN protocols as transports take them: names, or Node's wire format (length-prefixed names in one buffer). */
export type AlpnInput = readonly (string | Uint8Array)[] | Uint8Array;

/** The options both roles share: what is negotiated and how records are sized and buffered. */
export interface ContextOptions {
  /** ALPN protocols (RFC 7301) in preference order: a client offers them, a server picks the first of its own the client offered. */
  readonly ALPNProtocols?: AlpnInput;
  /**
   * Cipher suites in preference order, TLS 1.3 and TLS 1.2 names in one list (a version named by
   * none keeps its defaults): a client offers them, a server picks by its own order.
   */
  readonly cipherSuites?: readonly (CipherSuiteName | CipherSuite12Name)[];
  /** The lowest protocol version, node:tls's name. Default 'TLSv1.2'. */
  readonly minVersion?: TlsVersionName;
  /** The highest protocol version. Default 'TLSv1.3'. */
  readonly maxVersion?: TlsVersionName;
  /** TLS 1.2: refuse a peer without the extended master secret (RFC 7627). Default true. */
  readonly requireExtendedMasterSecret?: boolean;
  /**
   * Key exchange groups in preference order: a client offers them (with key shares for the
   * first `keyShareCount`), a server picks by its own order (a client without a share for the
   * picked group gets a HelloRetryRequest).
   */
  readonly groups?: readonly KeyExchangeGroup[];
  /**
   * Signature schemes: those a client accepts in the server's CertificateVerify and
   * certificates; those a server signs its CertificateVerify with, in preference order.
   */
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  /** The record_size_limit to announce (RFC 8449), 64..16385. Default 16385. */
  readonly recordSizeLimit?: number;
  /** Bytes of outgoing records the engine may hold before a write has to wait. Default 128 KiB. */
  readonly outgoingBufferLimit?: number;
  /** The largest handshake message of each kind buffered (defaults: ClientHello 16 KiB, Certificate 256 KiB, CertificateRequest 64 KiB, others 16 KiB). */
  readonly handshakeSizeLimits?: ClientConfig['handshakeSizeLimits'];
  /** The crypto provider (default: noble, pure JS; a transport may offer a native one). */
  readonly provider?: CryptoProvider;
}

/** The options a client context is built from (what `connect()` of every transport takes besides the connection's own). */
export interface ClientContextOptions extends ContextOptions {
  /** Trust anchors, PEM or DER, one or several. What their absence means is the transport's (a default store, or an error). */
  readonly ca?: ClientConfig['ca'];
  /**
   * Our certificate chain (PEM or DER, leaf first), sent when the server asks for one
   * (RFC 8446 §4.4.2). Goes with `key`; without them a request is answered with an empty
   * Certificate.
   */
  readonly cert?: NonNullable<ClientConfig['certificate']>['chain'];
  /** The private key for `cert`: PKCS#8, SEC1 or PKCS#1 PEM (or DER), or a loaded key. */
  readonly key?: NonNullable<ClientConfig['certificate']>['key'];
  /** How many of the leading `groups` get a key share in the first ClientHello (default 1). */
  readonly keyShareCount?: number;
}

/** The options a server context is built from (what every transport's server takes besides the connection's own). */
export interface ServerContextOptions extends ContextOptions {
  /** The certificate chain, leaf first: PEM text (several blocks allowed) or DER, one or several. Goes with `key`. */
  readonly cert?: ServerCertificate['chain'];
  /** The private key for `cert`: PKCS#8, SEC1 or PKCS#1 PEM (or DER), or a loaded key. */
  readonly key?: ServerCertificate['key'];
  /** More certificate/key pairs (picked per connection by SNI and signature_algorithms); `cert`/`key`, when given, come first. */
  readonly certificates?: readonly ServerCertificate[];
  /** Ask clients for certificates and check them against `ca` (required unless `required: false`). */
  readonly clientAuth?: ClientAuthConfig;
}

/**
 * ALPN names from {@link AlpnInput}: names as they are, buffers decoded as UTF-8, one buffer
 * split as the wire format's length-prefixed list. Throws `UsageError` for a malformed buffer.
 */
export function alpnNames(input: AlpnInput | undefined): string[] | undefined {
  if (input === undefined) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (!(input instanceof Uint8Array)) return input.map((p) => (typeof p === 'string' ? p : decoder.decode(p)));
  const out: string[] = [];
  for (let at = 0; at < input.length; ) {
    const n = input[at]!;
    if (n === 0 || at + 1 + n > input.length) throw new UsageError('ALPNProtocols buffer is not a list of length-prefixed names');
    out.push(decoder.decode(input.subarray(at + 1, at + 1 + n)));
    at += 1 + n;
  }
  return out;
}

/**
 * The client config that {@link ClientContextOptions} describe. Only the options given appear
 * (core applies the defaults); `cert` without `key`, or the reverse, is a `UsageError`.
 */
export function clientConfigFrom(options: ClientContextOptions): ClientConfig {
  return {
    ...given('ca', options.ca),
    ...given('certificate', certificatePair(options)),
    ...given('keyShareCount', options.keyShareCount),
    ...sharedFields(options),
  };
}

/**
 * The server config that {@link ServerContextOptions} describe: `cert`/`key` first, then
 * `certificates`. Throws `UsageError` for `cert` without `key` (or the reverse) and for no
 * certificate at all.
 */
export function serverConfigFrom(options: ServerContextOptions): ServerConfig {
  const pair = certificatePair(options);
  const certificates = [...(pair === undefined ? [] : [pair]), ...(options.certificates ?? [])];
  if (certificates.length === 0) throw new UsageError('a server needs `cert` and `key`, or `certificates`');
  return {
    certificates,
    ...given('clientAuth', options.clientAuth),
    ...sharedFields(options),
  };
}

/** `cert` and `key` as one chain/key pair, or undefined when neither is given. */
function certificatePair<C, K>(options: { readonly cert?: C; readonly key?: K }): { chain: C; key: K } | undefined {
  if (options.cert === undefined && options.key === undefined) return undefined;
  if (options.cert === undefined || options.key === undefined) throw new UsageError('`cert` and `key` go together');
  return { chain: options.cert, key: options.key };
}

/** The {@link ContextOptions} fields under core's names. */
function sharedFields(options: ContextOptions): Pick<ClientConfig & ServerConfig, 'alpnProtocols' | 'cipherSuites' | 'minVersion' | 'maxVersion' | 'requireExtendedMasterSecret' | 'groups' | 'signatureSchemes' | 'recordSizeLimit' | 'outgoingBufferLimit' | 'handshakeSizeLimits' | 'provider'> {
  return {
    ...given('alpnProtocols', alpnNames(options.ALPNProtocols)),
    ...given('cipherSuites', options.cipherSuites),
    ...given('minVersion', options.minVersion),
    ...given('maxVersion', options.maxVersion),
    ...given('requireExtendedMasterSecret', options.requireExtendedMasterSecret),
    ...given('groups', options.groups),
    ...given('signatureSchemes', options.signatureSchemes),
    ...given('recordSizeLimit', options.recordSizeLimit),
    ...given('outgoingBufferLimit', options.outgoingBufferLimit),
    ...given('handshakeSizeLimits', options.handshakeSizeLimits),
    ...given('provider', options.provider),
  };
}

/** `{ [key]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
export function given<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
