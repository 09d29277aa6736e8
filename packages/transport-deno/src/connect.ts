import { TransportError, UsageError, clientSide, clientSideConfig, type ClientConfig } from '@rxtls/core';
import { denoNet, type DenoConn } from './deno-api.ts';
import { coreClientOptions, given, type ConnectOptions } from './options.ts';
import { TlsConn } from './tls-conn.ts';

/** Deno has no API that lists its root store, and this package imports no `node:` module. */
const NO_DEFAULT_TRUST =
  '@rxtls/transport-deno has no default trust store (Deno offers no API that lists its roots): pass `caCerts` (PEM or DER), a `context`, or `rejectUnauthorized: false` to skip certificate verification';

/**
 * The client config that {@link ConnectOptions} describe (without `context`): core's
 * {@link clientConfigFrom}, with the verification switch, the hook and the ticket store.
 */
export function clientConfig(options: ConnectOptions): ClientConfig {
  return clientSideConfig(coreClientOptions(options), NO_DEFAULT_TRUST);
}

/** `Deno.connect` with TCP_NODELAY; a failure is core's TransportError (with the Deno error as cause, `code` e.g. ECONNREFUSED). */
async function openTcp(host: string, port: number, noDelay: boolean): Promise<DenoConn> {
  try {
    const tcp = await denoNet().connect({ hostname: host, port, transport: 'tcp' });
    tcp.setNoDelay(noDelay);
    return tcp;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new TransportError('error', `transport failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Open a TCP connection with `Deno.connect` (or take `conn`) and run a TLS 1.3 client over
 * it. Resolves once the handshake is done (rejects with its typed error, the connection
 * closed), or with `handshake: false` as soon as the connection is open.
 */
export async function connect(options: ConnectOptions): Promise<TlsConn> {
  if (options.conn === undefined && options.port === undefined) throw new UsageError('connect() needs `port` or `conn`');
  const client = clientSide(coreClientOptions(options), NO_DEFAULT_TRUST); // option mistakes throw before any I/O
  const transport = options.conn ?? (await openTcp(options.hostname ?? 'localhost', options.port!, options.noDelay ?? true));
  if (options.conn !== undefined && options.noDelay !== undefined) transport.setNoDelay?.(options.noDelay);
  const conn = new TlsConn({
    connection: client.connection,
    transport,
    servername: client.servername,
    ...given('authorize', client.authorize),
    ...given('allowHalfOpen', options.allowHalfOpen),
    ...given('keylog', options.keylog),
    ...given('trace', options.trace),
    ...given('handshakeTimeout', options.handshakeTimeout),
  });
  if (options.handshake !== false) await conn.handshake(); // a failure has destroyed the connection
  return conn;
}
