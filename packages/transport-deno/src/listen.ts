import { TlsServerContext, TlsSession, UsageError, type CipherSuiteName, type ClientAuthConfig, type CryptoProvider, type KeyExchangeGroup, type ServerCertificate, type ServerConfig } from '@rxtls/core';
import { denoNet, type NetAddr } from './deno-api.ts';
import { DenoReadiness } from './deno-readiness.ts';
import { TlsConn } from './tls-conn.ts';

/**
 * Options of {@link listen}. Names follow transport-node's `createServer` where they mean the
 * same thing (`cert`, `key`, `ALPNProtocols`, ...) and `Deno.listen` for the address.
 */
export interface ListenOptions {
  /** TCP port (0: any free port; see `addr`). */
  readonly port: number;
  /** Address to bind (default `0.0.0.0`, as `Deno.listen`). */
  readonly hostname?: string;
  /** The certificate chain, leaf first: PEM text or DER. Goes with `key`. */
  readonly cert?: ServerCertificate['chain'];
  /** The private key for `cert`: PKCS#8, SEC1 or PKCS#1 PEM (or DER). */
  readonly key?: ServerCertificate['key'];
  /** More certificate/key pairs (picked per connection by SNI and signature_algorithms). */
  readonly certificates?: readonly ServerCertificate[];
  /** ALPN protocols in our preference order. */
  readonly ALPNProtocols?: readonly string[];
  /** TLS 1.3 cipher suites in our preference order. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** Key exchange groups in our preference order (a client without a share for one gets a HelloRetryRequest). */
  readonly groups?: readonly KeyExchangeGroup[];
  /** The crypto provider (default: noble, pure JS). */
  readonly provider?: CryptoProvider;
  /** Ask clients for certificates. */
  readonly clientAuth?: ClientAuthConfig;
  /** Record NSS key log lines on each connection's `keylog$` (they contain secrets). */
  readonly keylog?: boolean;
  /** TCP_NODELAY on accepted connections (default true). */
  readonly noDelay?: boolean;
  /** Use this context (certificates already loaded) instead of one built from the options above. */
  readonly context?: TlsServerContext;
}

/** A listening rxtls server on Deno. */
export interface TlsListener {
  /** The bound address (the real port when `port` was 0). */
  readonly addr: NetAddr | { readonly transport: string };
  /** The context every connection comes from. */
  readonly context: TlsServerContext;
  /** Stop accepting; open connections stay open. */
  close(): void;
  /** Resolves when the accept loop has ended (after `close()`). */
  readonly finished: Promise<void>;
}

/** The server config that {@link ListenOptions} describe. */
export function serverConfig(options: ListenOptions): ServerConfig {
  if ((options.cert === undefined) !== (options.key === undefined)) throw new UsageError('`cert` and `key` go together');
  const certificates = [...(options.cert !== undefined && options.key !== undefined ? [{ chain: options.cert, key: options.key }] : []), ...(options.certificates ?? [])];
  if (certificates.length === 0) throw new UsageError('listen() needs `cert` and `key`, or `certificates`');
  return {
    certificates,
    ...(options.ALPNProtocols !== undefined ? { alpnProtocols: options.ALPNProtocols } : {}),
    ...(options.cipherSuites !== undefined ? { cipherSuites: options.cipherSuites } : {}),
    ...(options.groups !== undefined ? { groups: options.groups } : {}),
    ...(options.provider !== undefined ? { provider: options.provider } : {}),
    ...(options.clientAuth !== undefined ? { clientAuth: options.clientAuth } : {}),
  };
}

/**
 * Listen with `Deno.listen` and run a TLS 1.3 server on every accepted connection.
 * `onConnection` gets each {@link TlsConn} before its handshake: call `handshake()` (or just
 * `read()`/`write()`, which run it first). An exception or rejection from `onConnection`
 * destroys that connection only.
 */
export function listen(options: ListenOptions, onConnection: (conn: TlsConn) => void | Promise<void>): TlsListener {
  const context = options.context ?? new TlsServerContext(serverConfig(options));
  const listener = denoNet().listen({ ...(options.hostname !== undefined ? { hostname: options.hostname } : {}), port: options.port, transport: 'tcp' });
  const accept = async (): Promise<void> => {
    try {
      for await (const tcp of listener) {
        tcp.setNoDelay(options.noDelay ?? true);
        const connection = context.connection();
        connection.keylogEnabled = options.keylog === true;
        const conn = new TlsConn(new TlsSession(connection, new DenoReadiness(tcp)), tcp.localAddr, tcp.remoteAddr);
        Promise.resolve()
          .then(() => onConnection(conn))
          .catch(() => conn.destroy());
      }
    } catch {
      // The listener was closed under the loop (BadResource): the loop is over.
    }
  };
  return { addr: listener.addr, context, close: () => listener.close(), finished: accept() };
}
