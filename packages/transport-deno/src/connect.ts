import { TlsClientContext, TlsSession, type CipherSuiteName, type ClientConfig, type CryptoProvider, type KeyExchangeGroup } from '@rxtls/core';
import { denoNet } from './deno-api.ts';
import { DenoReadiness } from './deno-readiness.ts';
import { TlsConn } from './tls-conn.ts';

/**
 * Options of {@link connect}. Names follow transport-node's `connect` (and `tls.connect`)
 * where they mean the same thing.
 */
export interface ConnectOptions {
  /** Host to connect to (default `localhost`). */
  readonly host?: string;
  /** TCP port (default 443). */
  readonly port?: number;
  /** Name for SNI and the host name check; default `host`. An IP address is checked but never sent as SNI. */
  readonly servername?: string;
  /** Trust anchors, PEM or DER, one or several. Required unless `context` is given. */
  readonly ca?: ClientConfig['ca'];
  /** ALPN protocols to offer, in preference order. */
  readonly ALPNProtocols?: readonly string[];
  /** Key exchange groups to offer, in preference order. */
  readonly groups?: readonly KeyExchangeGroup[];
  /** TLS 1.3 cipher suites to offer, in preference order. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** The crypto provider (default: noble, pure JS). */
  readonly provider?: CryptoProvider;
  /** Record NSS key log lines on `keylog$` from the start (they contain secrets). */
  readonly keylog?: boolean;
  /** TCP_NODELAY (default true: a flight must not wait for the peer's delayed ACK). */
  readonly noDelay?: boolean;
  /** A context shared across connections (its config wins over `ca`, `ALPNProtocols`, ...). */
  readonly context?: TlsClientContext;
  /** Complete the handshake before resolving (default true); `false` resolves at once with the TCP connection open. */
  readonly handshake?: boolean;
}

/** The client config that {@link ConnectOptions} describe. */
export function clientConfig(options: ConnectOptions): ClientConfig {
  return {
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.ALPNProtocols !== undefined ? { alpnProtocols: options.ALPNProtocols } : {}),
    ...(options.groups !== undefined ? { groups: options.groups } : {}),
    ...(options.cipherSuites !== undefined ? { cipherSuites: options.cipherSuites } : {}),
    ...(options.provider !== undefined ? { provider: options.provider } : {}),
  };
}

/**
 * Open a TCP connection with `Deno.connect` and run a TLS 1.3 client over it. Resolves
 * once the handshake is done (rejects with its typed error, the socket closed), or at once
 * with `handshake: false`.
 */
export async function connect(options: ConnectOptions): Promise<TlsConn> {
  const context = options.context ?? new TlsClientContext(clientConfig(options));
  const host = options.host ?? 'localhost';
  const serverName = options.servername ?? host;
  const tcp = await denoNet().connect({ hostname: host, port: options.port ?? 443, transport: 'tcp' });
  tcp.setNoDelay(options.noDelay ?? true);
  const connection = context.connection({ serverName });
  connection.keylogEnabled = options.keylog === true;
  const conn = new TlsConn(new TlsSession(connection, new DenoReadiness(tcp)), tcp.localAddr, tcp.remoteAddr);
  if (options.handshake === false) return conn;
  try {
    await conn.handshake();
  } catch (err) {
    conn.destroy();
    throw err;
  }
  return conn;
}
