import { appendFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { AsyncSubject, Observable } from 'rxjs';
import {
  TlsConnection,
  TlsStream,
  clientConfigFrom,
  TlsSession,
  cipherInfo,
  type CipherInfo,
  type CloseInfo,
  UsageError,
  verifyServerChain,
  type HandshakeEvent,
  type MessageEvent,
  type NegotiatedParameters,
  type PeerVerificationInfo,
  type TlsServerContext,
} from '@rxtls/core';
import { connectionConfig, sharedContext, type ResolvedConfig } from './contexts.ts';
import type { ConnectionOptions } from './options.ts';
import { authorizationCode, withNodeCode } from './error-codes.ts';
import { peerCertificateObject } from './peer-certificate.ts';
import { withReadBuffer } from '../node-readiness.ts';
import { StreamPort } from './stream-port.ts';
import { webStreamsOf, type WebStreamPair } from './web-streams.ts';

const asBytes = (chunk: Buffer | Uint8Array): Uint8Array => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

type TlsStreamAuthorize = (negotiated: NegotiatedParameters) => Promise<void>;

/** `getEphemeralKeyInfo()` per group, as node:tls reports them (OpenSSL's names and sizes in bits). */
const EPHEMERAL_KEY_INFO: Readonly<Record<string, { type: string; name: string; size: number }>> = {
  x25519: { type: 'ECDH', name: 'X25519', size: 253 },
  secp256r1: { type: 'ECDH', name: 'prime256v1', size: 256 },
  secp384r1: { type: 'ECDH', name: 'secp384r1', size: 384 },
};

/** `keylog: true` on Node: append to the file named by `SSLKEYLOGFILE` (created 0600: the lines are secrets). */
function keylogFile(): ((line: string) => void) | undefined {
  const file = process.env['SSLKEYLOGFILE'];
  return file ? (line) => appendFileSync(file, `${line}\n`, { mode: 0o600 }) : undefined;
}

/**
 * The server role of a {@link TlsSocket}: the connection comes from this context and the
 * handshake is driven from the server side (`accept()`). `options.socket` is the accepted
 * transport. `createServer` builds these; the client options that concern verification,
 * SNI and the client config are ignored.
 */
export interface ServerRole {
  readonly context: TlsServerContext;
  /** The server that accepted the connection (`socket.server`, as on node:tls; http2's `allowHTTP1` reads it). */
  readonly server?: unknown;
}

/** Members of `net.Socket` that are passed through when the transport has them. */
type SocketLike = Partial<Pick<Socket, 'remoteAddress' | 'remotePort' | 'remoteFamily' | 'localAddress' | 'localPort' | 'connecting' | 'setNoDelay' | 'setKeepAlive' | 'setTimeout' | 'ref' | 'unref' | 'address'>>;

/**
 * An rxtls TLS 1.3 connection (client, or server role from `createServer`) as a Node Duplex (drop-in where a `tls.TLSSocket` is
 * expected: `http.request({ createConnection })`, `stream.pipeline`), as a pair of web
 * streams (`web`), and as observables (`handshake$`, `messages$`, `keylog$`, `data$`,
 * `close$`). Create it with {@link connect}.
 *
 * Backpressure runs end to end: a write's callback fires when the engine has taken the bytes
 * and the transport accepted them (waiting for 'drain' when it is congested); the readable
 * side decrypts only when Node asks for more, so a slow reader leaves the bytes in the
 * kernel and TCP flow control slows the peer down.
 */
export class TlsSocket extends Duplex {
  /** Always true (as on `tls.TLSSocket`). */
  readonly encrypted = true;
  /** The ALPN protocol the server chose; `false` when none; `null` before the handshake. */
  alpnProtocol: string | false | null = null;
  /** Whether the peer's certificate was verified against the trust anchors and the name. */
  authorized = false;
  /**
   * Why verification failed, as Node's code (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`,
   * ...); only set with `rejectUnauthorized: false` (otherwise the handshake fails instead).
   */
  authorizationError: string | null = null;
  /** The typed error behind `authorizationError`. */
  authorizationCause: Error | undefined;
  /**
   * Client: the name sent as SNI and checked, if any. Server: the SNI the client sent
   * (`NegotiatedParameters.serverName`), set once established; undefined without SNI.
   */
  servername: string | undefined;
  /** 'client' for {@link connect}'s sockets, 'server' for those a `TlsServer` accepted. */
  readonly role: 'client' | 'server';
  /** Server side: the `TlsServer` that accepted this connection (as `tls.TLSSocket#server`); undefined on a client. */
  readonly server: unknown;

  /** Resolves with what was negotiated, after 'secureConnect'; rejects with the error that ended the handshake. */
  readonly established: Promise<NegotiatedParameters>;
  /** The rxtls session under this socket (the engine is `session.connection`). */
  readonly session: TlsSession;
  /** Each handshake step with its timestamp; completes when established, errors with the typed error. Replays. */
  readonly handshake$: Observable<HandshakeEvent>;
  /** Every record, handshake message and alert in both directions. */
  readonly messages$: Observable<MessageEvent>;
  /** NSS key log lines. Contains secrets. */
  readonly keylog$: Observable<string>;
  /**
   * Decrypted data, chunk by chunk. Cold: subscribing starts the flow (the Duplex goes into
   * flowing mode); unsubscribing pauses it. Completes at the peer's close_notify, errors on a
   * failure (a truncated stream included). Use one way of reading at a time.
   */
  readonly data$: Observable<Uint8Array>;
  /** Emits once, when the socket is closed (replayed to late subscribers), then completes. */
  readonly close$: Observable<CloseInfo>;

  private readonly transport: Duplex;
  private readonly port: StreamPort;
  private readonly connection: TlsConnection;
  /** Core's lifecycle (handshake, reads, writes, closing rules); this class is its Node Duplex face. */
  private readonly tls: TlsStream;
  private readonly closeSubject = new AsyncSubject<CloseInfo>();
  private readonly undo: (() => void)[] = [];
  private reading = false;
  private plaintextRead = 0;
  private plaintextWritten = 0;
  private webPair: WebStreamPair | undefined;

  /** A client socket (use {@link connect}); with `server`, the server side of an accepted `options.socket`. */
  constructor(options: ConnectionOptions, server?: ServerRole) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false, ...(options.highWaterMark !== undefined ? { readableHighWaterMark: options.highWaterMark } : {}) });
    this.role = server ? 'server' : 'client';
    this.server = server?.server;
    let authorize: TlsStreamAuthorize | undefined;
    if (server) {
      if (options.socket === undefined) throw new UsageError('a server-side TlsSocket needs the accepted `socket`');
      this.connection = server.context.connection();
      this.transport = options.socket;
    } else {
      const client = this.clientSide(options);
      this.connection = client.connection;
      this.servername = client.servername;
      this.transport = client.transport;
      authorize = client.authorize;
    }
    // Transport options, then core's stream over the port: the same for both roles.
    const tcp = this.transport as SocketLike;
    if (typeof tcp.setNoDelay === 'function') tcp.setNoDelay(options.noDelay ?? true);
    if (options.timeout !== undefined && typeof tcp.setTimeout === 'function') tcp.setTimeout(options.timeout);
    this.forward('connect');
    this.forward('ready'); // net.Socket's, right after 'connect'
    this.forward('timeout');
    let port!: StreamPort;
    this.tls = new TlsStream({
      connection: this.connection,
      port: (onFailure) => (port = new StreamPort(this.transport, onFailure)),
      servername: this.servername,
      // The Duplex runs the half-close (allowHalfOpen, 'end', _final): the stream never answers a close_notify by itself.
      allowHalfOpen: true,
      keylog: options.keylog,
      keylogFile,
      trace: options.trace,
      handshakeTimeout: options.handshakeTimeout,
      authorize,
    });
    this.port = port;
    this.session = this.tls.session;
    this.handshake$ = this.tls.handshake$;
    this.messages$ = this.tls.messages$;
    this.keylog$ = this.tls.keylog$;
    this.close$ = this.closeSubject.asObservable();
    this.data$ = this.dataObservable();
    // node:tls's `code` on the failure before anyone else sees it (this subscription is the first).
    this.tls.handshake$.subscribe({ error: (err: unknown) => withNodeCode(err) });
    // A failure ends the socket at once, even when nobody reads ('error', `established` and
    // handshake$ all carry the same object).
    this.tls.close$.subscribe(({ error }) => {
      if (error === undefined) return;
      withNodeCode(error); // before `established`, reads and writes hand it on: it is the same object
      if (!this.destroyed) this.destroy(error);
    });
    this.keylogEvent();

    this.established = this.handshake();
    this.established.then(
      () => {
        this.emit(this.role === 'server' ? 'secure' : 'secureConnect');
        // Like net.Socket: start filling the readable buffer (up to its high-water mark), so
        // the peer's close_notify or a truncation is noticed even before the user reads.
        if (!this.destroyed) this.read(0);
      },
      (err: unknown) => this.destroy(asError(err)),
    );
  }

  /** The client side's config, connection and transport (a TCP connection opened here, or `options.socket`). */
  private clientSide(options: ConnectionOptions): {
    authorize: TlsStreamAuthorize | undefined;
    connection: TlsConnection;
    servername: string;
    transport: Duplex;
  } {
    if (options.socket === undefined && options.port === undefined) throw new UsageError('connect() needs `port` or `socket`');
    const host = options.host ?? 'localhost';
    // As in Node, the name to check is never missing: without servername or host it is
    // 'localhost', so a wrapped stream cannot skip the host name check by accident.
    const servername = options.servername ?? host;

    // Configuration: a context shared across connections with the same options; the hooks and
    // the verification switch go into this connection's copy of the config.
    const verifyDisabled = options.rejectUnauthorized === false;
    // Built (and checked) even when a context is given, so a misused option is reported either way.
    const contextConfig = clientConfigFrom(options);
    const shared = options.context ? { context: options.context, trustAnchors: options.context.config.trustAnchors } : sharedContext(contextConfig);
    const identityHook = options.checkServerIdentity
      ? (info: PeerVerificationInfo): void => {
          const failure = options.checkServerIdentity!(info.serverName ?? host, peerCertificateObject(info.certificates, false) as PeerCertificate);
          if (failure) throw failure;
        }
      : undefined;
    const userHook = options.verifyPeer;
    const hook =
      verifyDisabled || (identityHook === undefined && userHook === undefined)
        ? shared.context.config.verifyPeer
        : async (info: PeerVerificationInfo): Promise<void> => {
            identityHook?.(info);
            await userHook?.(info);
          };
    const config = connectionConfig(shared.context.config, shared.trustAnchors, options.context ? options.context.config.verifyCertificates && !verifyDisabled : !verifyDisabled, hook);
    const connection = new TlsConnection(config, servername);

    // The transport: a TCP connection opened here, or the stream the caller gave.
    const transport =
      options.socket ??
      netConnect(
        withReadBuffer({
          host,
          port: options.port!,
          ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
          ...(options.family !== undefined ? { family: options.family } : {}),
        }),
      );
    // rejectUnauthorized: false — verify anyway after the handshake, to report the outcome without failing (Node's behaviour).
    const authorize = verifyDisabled
      ? async (negotiated: NegotiatedParameters): Promise<void> => {
          const chain = await verifyServerChain(config as ResolvedConfig, negotiated.peerCertificates, servername, shared.trustAnchors);
          identityHook?.({ certificates: negotiated.peerCertificates, chain, serverName: servername });
        }
      : undefined;
    return { authorize, connection, servername, transport };
  }

  // ------------------------------------------------------------------ web streams

  /**
   * The socket as a web stream pair (created on first use): `web.readable` yields decrypted
   * bytes (pulling only when its queue has room), `web.writable` takes bytes to send. The pair
   * has the `ReadableWritablePair` shape, so `body.pipeThrough(socket.web)` works. (The names
   * `readable`/`writable` themselves stay the Duplex's booleans: Node's stream machinery reads
   * them.)
   */
  get web(): WebStreamPair {
    this.webPair ??= webStreamsOf(this);
    return this.webPair;
  }

  // ------------------------------------------------------------------ TLS information

  /** Whether the handshake resumed a session (a ticket or a session id), as `tls.TLSSocket#isSessionReused()`. */
  isSessionReused(): boolean {
    return this.connection.negotiated?.resumed === true;
  }

  /**
   * The client's view of the key exchange, as `tls.TLSSocket#getEphemeralKeyInfo()`: `{ type:
   * 'ECDH', name, size }` (OpenSSL's curve names); `{}` on a server or before the handshake; null
   * once the socket is destroyed.
   */
  getEphemeralKeyInfo(): { type: string; name: string; size: number } | Record<string, never> | null {
    if (this.destroyed) return null;
    const group = this.connection.negotiated?.group;
    if (this.role === 'server' || group === undefined) return {};
    return EPHEMERAL_KEY_INFO[group] ?? {};
  }

  /** 'TLSv1.3' or 'TLSv1.2' once established, else null. */
  getProtocol(): string | null {
    return this.connection.negotiated?.version ?? null;
  }

  /** The negotiated cipher suite, or null before the handshake. */
  getCipher(): CipherInfo | null {
    return cipherInfo(this.connection.negotiated);
  }

  /**
   * The server's certificate (`{}` before the handshake), in `tls.TLSSocket`'s shape: subject,
   * issuer, subjectaltname, valid_from, valid_to, serialNumber, fingerprint256, raw, ...
   * With `detailed`, `issuerCertificate` links the chain the server sent.
   */
  getPeerCertificate(detailed: true): DetailedPeerCertificate | Record<string, never>;
  getPeerCertificate(detailed?: false): PeerCertificate | Record<string, never>;
  getPeerCertificate(detailed = false): PeerCertificate | DetailedPeerCertificate | Record<string, never> {
    return peerCertificateObject(this.connection.negotiated?.peerCertificates ?? [], detailed);
  }

  /** The server's leaf certificate as an `X509Certificate`, or undefined before the handshake. */
  getPeerX509Certificate(): X509Certificate | undefined {
    const der = this.connection.negotiated?.peerCertificates[0];
    return der ? new X509Certificate(der) : undefined;
  }

  // ------------------------------------------------------------------ net.Socket passthrough

  get remoteAddress(): string | undefined {
    return (this.transport as SocketLike).remoteAddress;
  }
  get remotePort(): number | undefined {
    return (this.transport as SocketLike).remotePort;
  }
  get remoteFamily(): string | undefined {
    return (this.transport as SocketLike).remoteFamily;
  }
  get localAddress(): string | undefined {
    return (this.transport as SocketLike).localAddress;
  }
  get localPort(): number | undefined {
    return (this.transport as SocketLike).localPort;
  }
  /** Decrypted bytes received (as `tls.TLSSocket#bytesRead`, which counts application data, not records). */
  get bytesRead(): number {
    return this.plaintextRead;
  }
  /** Application bytes written (as `tls.TLSSocket#bytesWritten`). */
  get bytesWritten(): number {
    return this.plaintextWritten;
  }
  /** True until the transport is connected (`net.Socket#pending`). */
  get pending(): boolean {
    return (this.transport as { pending?: boolean }).pending ?? false;
  }
  /** `net.Socket#readyState` of the transport: 'opening', 'open', 'readOnly', 'writeOnly' or 'closed'. */
  get readyState(): string {
    if (this.destroyed) return 'closed';
    return (this.transport as { readyState?: string }).readyState ?? 'open';
  }

  /** True while the TCP connection is being opened (not during the TLS handshake), as on `net.Socket`. */
  get connecting(): boolean {
    return (this.transport as SocketLike).connecting ?? false;
  }
  /** The transport's address(), or {} when it has none. */
  address(): AddressInfo | Record<string, never> {
    const t = this.transport as SocketLike;
    return typeof t.address === 'function' ? (t.address() as AddressInfo) : {};
  }
  setNoDelay(noDelay = true): this {
    const t = this.transport as SocketLike;
    if (typeof t.setNoDelay === 'function') t.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable = false, initialDelay = 0): this {
    const t = this.transport as SocketLike;
    if (typeof t.setKeepAlive === 'function') t.setKeepAlive(enable, initialDelay);
    return this;
  }
  /** Idle timeout on the transport: 'timeout' is emitted on this socket; it does not close it. */
  setTimeout(timeout: number, callback?: () => void): this {
    const t = this.transport as SocketLike;
    if (typeof t.setTimeout === 'function') t.setTimeout(timeout);
    if (callback) {
      if (timeout === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    return this;
  }
  ref(): this {
    (this.transport as SocketLike).ref?.();
    return this;
  }
  unref(): this {
    (this.transport as SocketLike).unref?.();
    return this;
  }
  /** End once everything is written, then destroy (what `http` calls on a non-keep-alive socket). */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  // ------------------------------------------------------------------ Duplex internals

  override _read(): void {
    if (this.reading) return;
    this.reading = true;
    void this.pump().finally(() => {
      this.reading = false;
    });
  }

  /** Decrypt and push until Node's buffer is full (push() returns false) or the peer closed. */
  private async pump(): Promise<void> {
    try {
      await this.established;
    } catch {
      return; // the handshake failure already destroyed the socket
    }
    try {
      for (;;) {
        const chunk = await this.tls.read();
        if (this.destroyed) return;
        if (chunk === null) {
          this.push(null);
          return;
        }
        this.plaintextRead += chunk.length;
        if (!this.push(chunk)) return;
      }
    } catch (err) {
      this.destroy(asError(err));
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.send(asBytes(chunk)).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    this.send(Buffer.concat(chunks.map((c) => c.chunk))).then(() => callback(), callback);
  }

  /** Resolves when the engine has taken every byte and the transport accepted the records. */
  private async send(data: Uint8Array): Promise<void> {
    await this.established;
    await this.tls.write(data);
    this.plaintextWritten += data.length;
  }

  /** end(): close_notify, then the transport's write side is ended (TCP FIN); reading goes on. */
  override _final(callback: (error?: Error | null) => void): void {
    this.established.then(
      () => this.tls.shutdown().then(() => callback(), callback),
      (err: unknown) => callback(asError(err)),
    );
  }

  /** 'close' carries `hadError`, as on net.Socket and tls.TLSSocket (a Duplex emits it without arguments). */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'close' && args.length === 0) return super.emit(event, this.errored !== null);
    return super.emit(event, ...args);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.tls.destroy(error ?? (this.connection.isEstablished ? undefined : new Error('socket destroyed before the handshake completed')));
    this.port.detach();
    for (const off of this.undo.splice(0)) off();
    const clean = error === null && this.connection.receivedCloseNotify && this.tls.closeNotifySent;
    this.closeSubject.next(error ? { clean, error } : { clean });
    this.closeSubject.complete();
    callback(error);
  }

  // ------------------------------------------------------------------ helpers

  /** Core's handshake, then the Node fields: `authorized`, `authorizationError` as Node's code, `alpnProtocol`, `servername`. */
  private async handshake(): Promise<NegotiatedParameters> {
    const negotiated = await this.tls.handshake();
    this.authorized = this.tls.authorized;
    const failure = this.tls.authorizationError;
    if (failure !== null) {
      this.authorizationCause = failure;
      this.authorizationError = authorizationCode(failure);
    }
    this.servername = this.tls.servername;
    this.alpnProtocol = this.tls.alpnProtocol;
    return negotiated;
  }

  /** Re-emit a transport event on this socket; undone on destroy. */
  private forward(event: string): void {
    const listener = (): void => {
      this.emit(event);
    };
    this.transport.on(event, listener);
    this.undo.push(() => this.transport.off(event, listener));
  }

  /**
   * The 'keylog' event of `tls.TLSSocket` (a Buffer line): the key log is produced only when
   * asked for (the engine copies no secrets otherwise), so a 'keylog' listener turns it on.
   */
  private keylogEvent(): void {
    let started = false;
    const onNewListener = (event: string | symbol): void => {
      if (event !== 'keylog' || started) return;
      started = true;
      const sub = this.keylog$.subscribe((line) => this.emit('keylog', Buffer.from(`${line}\n`)));
      this.undo.push(() => sub.unsubscribe());
    };
    this.on('newListener', onNewListener);
  }

  private dataObservable(): Observable<Uint8Array> {
    return new Observable<Uint8Array>((sub) => {
      if (this.errored) {
        sub.error(this.errored);
        return undefined;
      }
      if (this.readableEnded) {
        sub.complete();
        return undefined;
      }
      const onData = (chunk: Buffer): void => sub.next(asBytes(chunk));
      const onEnd = (): void => sub.complete();
      const onError = (err: Error): void => sub.error(err);
      const onClose = (): void => {
        if (this.errored) sub.error(this.errored);
        else sub.complete();
      };
      this.on('data', onData);
      this.on('end', onEnd);
      this.on('error', onError);
      this.on('close', onClose);
      this.resume();
      return () => {
        this.off('data', onData);
        this.off('end', onEnd);
        this.off('error', onError);
        this.off('close', onClose);
        if (this.listenerCount('data') === 0 && !this.destroyed) this.pause();
      };
    });
  }
}
