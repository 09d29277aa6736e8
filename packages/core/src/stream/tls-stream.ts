import { AsyncSubject, firstValueFrom, type Observable } from 'rxjs';
import type { ConnectionPhase, TlsConnection } from '../engine/connection.ts';
import type { SslError } from '../engine/ssl-error.ts';
import { UsageError } from '../errors/tls-error.ts';
import type { HandshakeEvent, MessageEvent, NegotiatedParameters, SessionTicketInfo } from '../handshake/events.ts';
import { cipherInfo, type CipherInfo, type CloseInfo } from '../observe/connection-info.ts';
import type { ReadinessPort } from '../observe/readiness.ts';
import { TlsSession } from '../observe/session.ts';
import { parseCertificate, type ParsedCertificate } from '../x509/certificate.ts';
import { keylogSink, traceSink, type KeylogOption, type TraceOption } from './sinks.ts';
import { dataOf, readableOf, writableOf } from './web-streams.ts';

/** What a user says about a connection's lifecycle, on every transport (not what is negotiated). */
export interface StreamOptions {
  /**
   * Keep our side writable after the peer's close_notify (default false: we answer with our
   * close_notify and close, as `net.Socket` does without `allowHalfOpen`).
   */
  readonly allowHalfOpen?: boolean;
  readonly keylog?: KeylogOption;
  readonly trace?: TraceOption;
  /**
   * Milliseconds the handshake may take before it fails with a `HandshakeTimeoutError` and the
   * connection is destroyed, on both sides (default 30000, `DEFAULT_HANDSHAKE_TIMEOUT_MS`; 0: none).
   */
  readonly handshakeTimeout?: number;
}

/** What a transport builds a {@link TlsStream} from. */
export interface TlsStreamSetup {
  /** The engine, client or server side. */
  readonly connection: TlsConnection;
  /**
   * Makes the readiness port over the transport. `onFailure` must hear a transport failure at
   * once (even when nobody reads): the stream then ends with it.
   */
  readonly port: (onFailure: (err: Error) => void) => ReadinessPort;
  /** Client: the name sent as SNI and checked. */
  readonly servername?: string | undefined;
  /**
   * Keep our side writable after the peer's close_notify (default false: we answer with our
   * close_notify and close, as `net.Socket` does without `allowHalfOpen`).
   */
  readonly allowHalfOpen?: boolean | undefined;
  readonly keylog?: KeylogOption | undefined;
  /** How this runtime appends to `SSLKEYLOGFILE`, for `keylog: true` (undefined: it cannot). */
  readonly keylogFile?: (() => ((line: string) => void) | undefined) | undefined;
  readonly trace?: TraceOption | undefined;
  /** Milliseconds the handshake may take (default 30000; 0: none); then a `HandshakeTimeoutError`. */
  readonly handshakeTimeout?: number | undefined;
  /**
   * Client with verification off: check the chain after the handshake; throws the reason it
   * is not authorized (then `authorized` is false and `authorizationError` says why).
   */
  readonly authorize?: ((negotiated: NegotiatedParameters) => Promise<void>) | undefined;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * One TLS connection over a transport, client or server, on any runtime: the lifecycle every
 * transport shares. Core's {@link TlsSession} (observables, promise `read`/`write`/`shutdown`)
 * plus what happens between open and close:
 *
 * - `established` resolves once the handshake is done (rejects with the error that ended it);
 * - data as promises (`read`/`write`), as web streams (`readable`/`writable`, with
 *   backpressure) and as an observable (`data$`); `close$` once it is over;
 * - key log and trace sinks, the handshake timeout, AEAD-limit key updates (the engine's);
 * - closing: a failure (protocol error, transport error, a stream truncated without
 *   close_notify) destroys the connection at once and is what every pending and later call
 *   rejects with. The peer's close_notify makes `read()` return `null`; unless
 *   `allowHalfOpen`, ours goes back and the connection is closed. `shutdown()` half-closes.
 *
 * Read with one of `read()`, `readable` or `data$`. Transports extend it (Deno's `TlsConn`,
 * the web transport's) or wrap it (Node's `TlsSocket` Duplex); each supplies only its port.
 */
export class TlsStream {
  /** 'client' or 'server'. */
  readonly role: 'client' | 'server';
  /** The session (engine + driver) underneath; the engine is `session.connection`. */
  readonly session: TlsSession;
  /** Resolves with what was negotiated once the handshake is done; rejects with the error that ended it. Watching it starts nothing. */
  readonly established: Promise<NegotiatedParameters>;
  /** Each handshake step with its timestamp; completes when established, errors with the typed error. Replays. */
  readonly handshake$: Observable<HandshakeEvent>;
  /** Every record, handshake message and alert in both directions (like `s_client -msg`). */
  readonly messages$: Observable<MessageEvent>;
  /** NSS key log lines (contain secrets); subscribe before the handshake, or pass `keylog`. */
  readonly keylog$: Observable<string>;
  /** NewSessionTickets the server sent. */
  readonly tickets$: Observable<SessionTicketInfo>;
  /** What the engine waits for after each call. */
  readonly wants$: Observable<SslError>;
  /** idle → handshaking → established → closed, or failed. */
  readonly phase$: Observable<ConnectionPhase>;
  /**
   * Decrypted data, chunk by chunk. Cold: subscribing starts reading, unsubscribing stops
   * (a chunk in flight is kept for the next read). Completes at the peer's close_notify,
   * errors on a failure (a truncated stream included).
   */
  readonly data$: Observable<Uint8Array>;
  /** Emits once when the connection is closed (replayed to late subscribers), then completes. */
  readonly close$: Observable<CloseInfo>;

  /** The ALPN protocol chosen; `false` when none; `null` before the handshake. */
  alpnProtocol: string | false | null = null;
  /**
   * Client: whether the server's chain and name were verified (always, unless verification is
   * off). Server: whether the client sent a certificate (it was verified, or the handshake
   * would have failed).
   */
  authorized = false;
  /** Why the server's certificate was not authorized (only with verification off); a CertificateError. */
  authorizationError: Error | null = null;
  /** Client: the name sent as SNI and checked. Server: the SNI the client sent, once established. */
  servername: string | undefined;

  private readonly port: ReadinessPort;
  private readonly allowHalfOpen: boolean;
  private readonly authorize: TlsStreamSetup['authorize'];
  private readonly closeSubject = new AsyncSubject<CloseInfo>();
  private readonly undo: (() => void)[] = [];
  /** Chunks read but not delivered (a `data$` unsubscribed while its read was in flight). */
  private readonly unread: Uint8Array[] = [];
  private handshaking: Promise<NegotiatedParameters> | undefined;
  /** The last write or shutdown queued: the next one starts after it. */
  private writes: Promise<void> = Promise.resolve();
  private settleEstablished!: { resolve: (p: NegotiatedParameters) => void; reject: (e: Error) => void };
  private shutdownSent = false;
  private freed = false;
  private readableStream: ReadableStream<Uint8Array> | undefined;
  private writableStream: WritableStream<Uint8Array> | undefined;

  constructor(setup: TlsStreamSetup) {
    const connection = setup.connection;
    this.role = connection.role;
    this.servername = setup.servername;
    this.allowHalfOpen = setup.allowHalfOpen ?? false;
    this.authorize = setup.authorize;
    // A transport failure ends the connection at once, even when nobody reads; the engine wraps
    // it in its TransportError, so every call, `established` and handshake$ carry one object.
    this.port = setup.port((err) => {
      connection.receiveError(err);
      this.free(connection.error ?? err);
    });
    this.session = new TlsSession(connection, this.port, setup.handshakeTimeout === undefined ? {} : { handshakeTimeout: setup.handshakeTimeout });
    this.handshake$ = this.session.handshake$;
    this.messages$ = this.session.messages$;
    this.keylog$ = this.session.keylog$;
    this.tickets$ = this.session.tickets$;
    this.wants$ = this.session.wants$;
    this.phase$ = this.session.phase$;
    this.close$ = this.closeSubject.asObservable();
    this.established = new Promise((resolve, reject) => (this.settleEstablished = { resolve, reject }));
    this.established.catch(() => undefined); // a rejection nobody watches is no crash
    this.data$ = dataOf(this, (chunk) => this.unread.unshift(chunk));
    this.watch(keylogSink(setup.keylog, setup.keylogFile), setup.keylog !== undefined && setup.keylog !== false, traceSink(setup.trace));
  }

  /** Decrypted data as a web stream (made on first use); closes at the peer's close_notify, errors on a failure; `cancel()` destroys. */
  get readable(): ReadableStream<Uint8Array> {
    this.readableStream ??= readableOf(this);
    return this.readableStream;
  }

  /** Data to encrypt and send (made on first use); `close()` sends close_notify and half-closes; `abort()` destroys. */
  get writable(): WritableStream<Uint8Array> {
    this.writableStream ??= writableOf(this);
    return this.writableStream;
  }

  /** Run the handshake (idempotent); resolves with what was negotiated. */
  handshake(): Promise<NegotiatedParameters> {
    if (this.handshaking === undefined) {
      this.handshaking = this.guard(this.runHandshake());
      this.handshaking.then(this.settleEstablished.resolve, this.settleEstablished.reject);
    }
    return this.handshaking;
  }

  /** The next decrypted bytes (handshake first); `null` after the peer's close_notify. Rejects on truncation (no close_notify) or a protocol error. */
  async read(): Promise<Uint8Array | null> {
    const kept = this.unread.shift();
    if (kept !== undefined) return kept;
    await this.handshake();
    const chunk = await this.guard(this.session.read());
    if (chunk === null) this.peerClosed();
    return chunk;
  }

  /**
   * Encrypt and send all of `data` (handshake first); resolves once the transport took it.
   * Writes go out in the order they were made, also when not awaited one by one.
   */
  write(data: Uint8Array): Promise<void> {
    return this.inOrder(async () => {
      await this.handshake();
      await this.guard(this.session.write(data));
    });
  }

  /**
   * After the writes made before it: send close_notify and half-close (FIN); reading goes on
   * until the peer's close_notify. With `waitForPeer`, also wait for it (unread data stays
   * readable). The connection is closed once both close_notify have crossed.
   */
  shutdown(options: { waitForPeer?: boolean } = {}): Promise<void> {
    return this.inOrder(async () => {
      await this.handshake();
      await this.guard(this.session.shutdown(options));
      this.shutdownSent = true;
      if (this.session.connection.receivedCloseNotify) this.free();
    });
  }

  /**
   * Close gracefully: our close_notify (if not sent yet), then read and discard until the
   * peer's close_notify or end of stream, then close the transport. Resolves with how it ended
   * (never rejects). Before the handshake is done this is `destroy()`. Use `destroy()` not to wait.
   */
  async close(): Promise<CloseInfo> {
    try {
      if (!this.session.connection.isEstablished) this.destroy();
      if (!this.freed) await this.shutdown();
      while (!this.freed) if ((await this.read()) === null) break;
    } catch {
      // The failure ended the connection and is in close$.
    }
    this.free();
    return firstValueFrom(this.close$);
  }

  /** Close the transport now (no close_notify) and complete the observables. With `error`, pending calls and `established` fail with it. */
  destroy(error?: Error): void {
    this.free(error);
  }

  /** Whether the connection is over (destroyed, failed, or both close_notify crossed). */
  get destroyed(): boolean {
    return this.freed;
  }

  /** Whether our close_notify went out (`shutdown()` finished). */
  get closeNotifySent(): boolean {
    return this.shutdownSent;
  }

  /** What was negotiated, once established. */
  get negotiated(): NegotiatedParameters | undefined {
    return this.session.connection.negotiated;
  }

  /** What ended the connection: the TlsError (with its alert) or the TransportError (truncation, reset, ...); undefined while it is fine. */
  get error(): Error | undefined {
    return this.session.connection.error;
  }

  /** What the engine's last call reported (`SSL_get_error`): WANT_READ, ZERO_RETURN, SYSCALL, ... */
  getError(): SslError {
    return this.session.connection.getError();
  }

  /** 'TLSv1.3' or 'TLSv1.2' once established, else null. */
  getProtocol(): string | null {
    return this.negotiated?.version ?? null;
  }

  /** The negotiated cipher suite, or null before the handshake. */
  getCipher(): CipherInfo | null {
    return cipherInfo(this.negotiated);
  }

  /** The peer's certificates as it sent them (DER, leaf first); empty before the handshake or without one. */
  get peerCertificates(): readonly Uint8Array[] {
    return this.negotiated?.peerCertificates ?? [];
  }

  /** The peer's leaf certificate, parsed (subject, issuer, SANs, validity, key, ...), or undefined. */
  getPeerCertificate(): ParsedCertificate | undefined {
    const der = this.peerCertificates[0];
    return der === undefined ? undefined : parseCertificate(der);
  }

  // ------------------------------------------------------------------ internals

  private async runHandshake(): Promise<NegotiatedParameters> {
    const negotiated = await this.session.handshake();
    if (this.role === 'server') {
      this.servername = negotiated.serverName;
      this.authorized = negotiated.peerCertificates.length > 0;
    } else if (this.authorize) {
      try {
        await this.authorize(negotiated);
        this.authorized = true;
      } catch (err) {
        this.authorizationError = asError(err);
      }
    } else {
      this.authorized = true;
    }
    this.alpnProtocol = negotiated.alpn ?? false;
    return negotiated;
  }

  /** Run `work` after the writes (and shutdown) queued before it. */
  private inOrder(work: () => Promise<void>): Promise<void> {
    const done = this.writes.then(work);
    this.writes = done.catch(() => undefined);
    return done;
  }

  /** A failure of the connection destroys it; a caller's mistake (UsageError) does not. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      const failure = this.session.connection.error;
      if (failure !== undefined && !(err instanceof UsageError)) this.free(failure);
      throw err;
    }
  }

  /** The peer's close_notify arrived. */
  private peerClosed(): void {
    if (this.shutdownSent) this.free();
    else if (!this.allowHalfOpen) this.shutdown().catch(() => undefined);
  }

  /** Close the transport, complete the observables and emit close$ (once). */
  private free(error?: Error): void {
    if (this.freed) return;
    this.freed = true;
    const connection = this.session.connection;
    // Destroyed mid-handshake: record why in the engine first, so that handshake$ and
    // `established` end with one and the same error.
    if (error && !connection.isEstablished && connection.error === undefined) connection.receiveError(error);
    this.session.destroy();
    for (const off of this.undo.splice(0)) off();
    this.settleEstablished.reject(connection.error ?? error ?? new Error('tls: connection destroyed'));
    const clean = error === undefined && connection.receivedCloseNotify && this.shutdownSent;
    this.closeSubject.next(error ? { clean, error } : { clean });
    this.closeSubject.complete();
  }

  private watch(keylog: ((line: string) => void) | undefined, keylogOn: boolean, trace: ((event: MessageEvent) => void) | undefined): void {
    if (keylogOn) this.session.connection.keylogEnabled = true;
    if (keylog) {
      const sub = this.keylog$.subscribe(keylog);
      this.undo.push(() => sub.unsubscribe());
    }
    if (trace) {
      const sub = this.messages$.subscribe(trace);
      this.undo.push(() => sub.unsubscribe());
    }
  }
}
