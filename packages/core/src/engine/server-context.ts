import { nobleProvider } from '../crypto/noble/index.ts';
import { loadCertificates } from '../x509/pem.ts';
import { parseCertificate } from '../x509/certificate.ts';
import { loadPrivateKey } from '../x509/keys.ts';
import { resolveServerConfig, type ResolvedServerConfig, type ServerConfig } from '../handshake/server-config.ts';
import { startServerHandshake } from '../handshake/server13/start.ts';
import { TlsConnection } from './connection.ts';

/**
 * Configuration shared by a server's connections (OpenSSL's `SSL_CTX` for a server):
 * certificates and keys are loaded once here.
 */
export class TlsServerContext {
  readonly config: ResolvedServerConfig;

  constructor(config: ServerConfig) {
    this.config = resolveServerConfig(config, { defaultProvider: nobleProvider, loadCertificates, parseCertificate, loadPrivateKey });
  }

  /** A new server connection (OpenSSL's `SSL_new` + `SSL_set_accept_state`); drive it with `accept()`. */
  connection(): TlsConnection {
    return new TlsConnection(this.config, undefined, (out) => startServerHandshake(this.config, out));
  }
}
