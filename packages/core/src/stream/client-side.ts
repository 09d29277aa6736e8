import { TlsClientContext } from '../engine/context.ts';
import type { TlsConnection } from '../engine/connection.ts';
import { clientConfigFrom, given, serverConfigFrom, type ClientContextOptions, type ServerContextOptions } from '../engine/transport-options.ts';
import { webCryptoProvider } from '../crypto/webcrypto/index.ts';
import { UsageError } from '../errors/tls-error.ts';
import { verifyServerChain } from '../handshake/client13/verify-server-chain.ts';
import type { ClientConfig } from '../handshake/config.ts';
import type { ServerConfig } from '../handshake/server-config.ts';
import type { NegotiatedParameters } from '../handshake/events.ts';
import type { TicketStore } from '../handshake/tickets/ticket-store.ts';

/**
 * The client options every transport without a root store and without `node:crypto` shares
 * (Deno, the web transport, workerd): core's {@link ClientContextOptions} plus the name to
 * check, the trust switch and hooks. Names follow `tls.connect`'s where they mean the same thing.
 */
export interface ClientSideOptions extends ClientContextOptions {
  /** Host to connect to (the Deno and Workers convention, as Deno's connectTls); the name checked when `servername` is not given. */
  readonly hostname?: string;
  /**
   * Name for SNI and the host name check; default `hostname`, then `localhost`. An IP address is
   * checked against the certificate's IP SANs but never sent as SNI.
   */
  readonly servername?: string;
  /** Trust anchors, PEM or DER, one or several. Required unless `context` is given or `rejectUnauthorized` is false. */
  readonly ca?: ClientConfig['ca'];
  /**
   * Default true. `false` skips the chain and host name checks (the server's CertificateVerify
   * signature is still checked); the chain is then checked after the handshake to fill
   * `authorized` and `authorizationError`, as on Node.
   */
  readonly rejectUnauthorized?: boolean;
  /** An extra check of the peer after its chain was validated (pinning, ...): throw or reject to refuse it. */
  readonly verifyPeer?: ClientConfig['verifyPeer'];
  /**
   * Where session tickets are kept: share one `MemoryTicketStore` between connections to
   * resume sessions (each connection without `context` builds its own context, whose default
   * store dies with it). `false`: no resumption.
   */
  readonly ticketStore?: TicketStore | false;
  /** Use this context (shared trust anchors, ticket store, ...) instead of one built from the options above. */
  readonly context?: TlsClientContext;
}

/**
 * The client config that `options` describe (without `context`): core's
 * {@link clientConfigFrom}, with the verification switch, the hook and the ticket store.
 * The provider defaults to {@link webCryptoProvider}: these runtimes have no `node:crypto`,
 * and WebCrypto's AES-GCM with records in flight is their fast bulk path (noble stays the
 * fallback for what WebCrypto lacks).
 * `noDefaultTrust` is the message when verification is on and no `ca` was given: the runtime
 * has no root store to fall back on.
 */
export function clientSideConfig(options: ClientSideOptions, noDefaultTrust: string): ClientConfig {
  const verify = options.rejectUnauthorized !== false;
  if (verify && options.ca === undefined) throw new UsageError(noDefaultTrust);
  return {
    ...clientConfigFrom(options),
    provider: options.provider ?? webCryptoProvider,
    ...(verify ? {} : { dangerouslyDisableCertificateVerification: true }),
    ...given('verifyPeer', options.verifyPeer),
    ...given('ticketStore', options.ticketStore),
  };
}

/** A client engine, the name it checks, and (verification off) the check run after the handshake. */
export interface ClientSide {
  readonly connection: TlsConnection;
  readonly servername: string;
  readonly authorize?: (negotiated: NegotiatedParameters) => Promise<void>;
}

/**
 * The client engine for `options`. As on Node, the name to check is never missing (without
 * `servername` or `hostname` it is `localhost`), so a wrapped transport cannot skip the host name
 * check by accident. Option mistakes throw here, before any I/O.
 */
export function clientSide(options: ClientSideOptions, noDefaultTrust: string): ClientSide {
  const servername = options.servername ?? options.hostname ?? 'localhost';
  const verify = options.rejectUnauthorized !== false;
  const context = options.context ?? new TlsClientContext(clientSideConfig(options, noDefaultTrust));
  const connection = context.connection({
    serverName: servername,
    ...(verify ? {} : { dangerouslyDisableCertificateVerification: true }),
    ...(options.context !== undefined ? given('verifyPeer', options.verifyPeer) : {}),
  });
  if (verify) return { connection, servername };
  // rejectUnauthorized: false — verify anyway after the handshake, to report the outcome without failing (as Node does).
  const authorize = async (negotiated: NegotiatedParameters): Promise<void> => {
    await verifyServerChain(context.config, negotiated.peerCertificates, servername);
  };
  return { connection, servername, authorize };
}

/**
 * The server config that `options` describe, for the transports without `node:crypto`:
 * core's {@link serverConfigFrom} with the provider defaulting to {@link webCryptoProvider}.
 */
export function serverSideConfig(options: ServerContextOptions): ServerConfig {
  return { ...serverConfigFrom(options), provider: options.provider ?? webCryptoProvider };
}
