import { nobleProvider } from '../crypto/noble/index.ts';
import { loadCertificates } from '../x509/pem.ts';
import { resolveClientConfig, type ClientConfig, type ResolvedClientConfig } from '../handshake/config.ts';
import { TlsConnection } from './connection.ts';

/** Per-connection options. */
export interface ConnectionOptions {
  /**
   * The server's name: a DNS name (sent as SNI and checked against dNSName SANs) or an IP
   * address (never sent as SNI, checked against iPAddress SANs).
   */
  readonly serverName?: string;
}

/**
 * Configuration shared by many client connections (OpenSSL's `SSL_CTX`): trust anchors are
 * parsed once here.
 */
export class TlsClientContext {
  readonly config: ResolvedClientConfig;

  constructor(config: ClientConfig) {
    this.config = resolveClientConfig(config, { defaultProvider: nobleProvider, loadTrustAnchors: loadCertificates });
  }

  /** A new client connection (OpenSSL's `SSL_new` + `SSL_set_connect_state`). */
  connection(options: ConnectionOptions = {}): TlsConnection {
    return new TlsConnection(this.config, options.serverName);
  }
}

/** Shorthand: a context for one connection. */
export function createClientConnection(config: ClientConfig & ConnectionOptions): TlsConnection {
  return new TlsClientContext(config).connection(config.serverName !== undefined ? { serverName: config.serverName } : {});
}
