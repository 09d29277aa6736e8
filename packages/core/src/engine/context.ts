import { nobleProvider } from '../crypto/noble/index.ts';
import { loadCertificates } from '../x509/pem.ts';
import { loadPrivateKey } from '../x509/keys.ts';
import { resolveClientConfig, type ClientConfig, type PeerVerificationInfo, type ResolvedClientConfig } from '../handshake/config.ts';
import type { MaybePromise } from '../crypto/provider.ts';
import { TlsConnection } from './connection.ts';

/** Per-connection options. */
export interface ConnectionOptions {
  /**
   * The server's name: a DNS name (sent as SNI and checked against dNSName SANs) or an IP
   * address (never sent as SNI, checked against iPAddress SANs).
   */
  readonly serverName?: string;
  /** This connection's extra peer check (replaces the context's `verifyPeer`). */
  readonly verifyPeer?: (info: PeerVerificationInfo) => MaybePromise<void>;
  /**
   * Turn chain and host name checks off for this connection only (the CertificateVerify
   * signature is still checked). Loudly named on purpose.
   */
  readonly dangerouslyDisableCertificateVerification?: boolean;
}

/**
 * Configuration shared by many client connections (OpenSSL's `SSL_CTX`): trust anchors are
 * parsed once here.
 */
export class TlsClientContext {
  readonly config: ResolvedClientConfig;

  constructor(config: ClientConfig) {
    this.config = resolveClientConfig(config, { defaultProvider: nobleProvider, loadTrustAnchors: loadCertificates, loadPrivateKey });
  }

  /** A new client connection (OpenSSL's `SSL_new` + `SSL_set_connect_state`). */
  connection(options: ConnectionOptions = {}): TlsConnection {
    const overrides = options.verifyPeer !== undefined || options.dangerouslyDisableCertificateVerification !== undefined;
    const config: ResolvedClientConfig = overrides
      ? {
          ...this.config,
          verifyPeer: options.verifyPeer ?? this.config.verifyPeer,
          verifyCertificates: options.dangerouslyDisableCertificateVerification === undefined ? this.config.verifyCertificates : !options.dangerouslyDisableCertificateVerification,
        }
      : this.config;
    return new TlsConnection(config, options.serverName);
  }
}

/** Shorthand: a context for one connection. */
export type { ResolvedClientConfig };

export function createClientConnection(config: ClientConfig & ConnectionOptions): TlsConnection {
  return new TlsClientContext(config).connection(config.serverName !== undefined ? { serverName: config.serverName } : {});
}
