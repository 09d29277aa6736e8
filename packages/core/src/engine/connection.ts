import { TlsError, UsageError } from '../errors/tls-error.ts';
import { AlertDescription, AlertLevel, alertName } from '../errors/alert.ts';
import { concat } from '../bytes/util.ts';
import { ContentType, nameOf } from '../codec/enums.ts';
import { decodeAlert, encodeAlert } from '../codec/alert.ts';
import { RecordLayer } from '../record/record-layer.ts';
import { HandshakeJoiner } from '../record/handshake-joiner.ts';
import {
  AES_GCM_RECORD_LIMIT,
  MAX_CIPHERTEXT,
  RECORD_HEADER_LENGTH,
  RECORD_PIPELINE_DEPTH,
  handshakeSizeLimit,
  type HandshakeSizeLimits,
} from '../record/limits.ts';
import type { AeadAlgorithm } from '../crypto/provider.ts';
import { resolveHandshakeSizeLimits, type ResolvedClientConfig } from '../handshake/config.ts';
import type { EngineEvent, NegotiatedParameters } from '../handshake/events.ts';
import { Pending, isTraffic, takesChangeCipherSpec, type HandshakeOutbox, type HandshakeState, type ReceivedMessage, type Transition } from '../handshake/outbox.ts';
import { expectedMessages } from '../handshake/expected-messages.ts';
import { startClientHandshake } from '../handshake/client13/start.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { ByteQueue } from '../bytes/byte-queue.ts';
import { OutputQueue } from './output-queue.ts';
import { SslError } from './ssl-error.ts';
import { TransportError } from './transport-error.ts';
import { EngineEffects } from './effects.ts';
import { FloodGuard } from './flood-guard.ts';
import { TurnBudget } from './turn-budget.ts';
import { alertEvent, changeCipherSpecEvent, handshakeMessageEvent, recordEvent } from './message-events.ts';
import { bytesBeforeLimit, shouldAskPeerToUpdate, writeKeyExhausted } from './aead-limit.ts';

/** Where a connection is, for `state$` and diagnostics. */
export type ConnectionPhase = 'idle' | 'handshaking' | 'established' | 'closed' | 'failed';

const MAX_RECORD_BYTES = RECORD_HEADER_LENGTH + MAX_CIPHERTEXT;
/** How much decrypted data one read call gathers from records already received. */
const READ_AHEAD = 64 * 1024;
/** A decrypted record at least this big is handed out on its own, uncopied (see `readAvailable`). */
const UNJOINED_READ = 4 * 1024;

/** What the engine itself needs from a client or server config. */
export interface EngineSettings {
  readonly provider: CryptoProvider;
  readonly clock: () => number;
  readonly outgoingBufferLimit: number;
  /** The largest handshake message of each kind we buffer (defaults: `DEFAULT_HANDSHAKE_SIZE_LIMITS` in record/limits.ts). */
  readonly handshakeSizeLimits?: Partial<HandshakeSizeLimits> | undefined;
}

/** Starts a server handshake (the first state waits for ClientHello). */
export type ServerStart = (out: HandshakeOutbox) => Transition<HandshakeState>;

type AsyncSlot = { settled: false } | { settled: true; ok: true; value: unknown } | { settled: true; ok: false; error: unknown };

/**
 * One TLS connection, sans I/O (OpenSSL's `SSL` with a BIO pair).
 *
 * Network side: `receive()` bytes from the peer, `takeOutput()` bytes to send, `receiveEnd()`
 * when the transport closes. Application side: `connect()`, `read()`, `write()`, `shutdown()`,
 * each returning OpenSSL-style results, and `getError()` saying why a call could not finish.
 */
export class TlsConnection {
  private state: Transition<HandshakeState> | undefined;
  /** Which side this connection plays. */
  readonly role: 'client' | 'server';
  private readonly start: (out: HandshakeOutbox) => Transition<HandshakeState>;
  private asyncSlot: AsyncSlot | undefined;
  private asyncWaiter: Promise<void> | undefined;
  private readonly records = new RecordLayer();
  private readonly joiner = new HandshakeJoiner((type, length) => this.checkHandshakeHeader(type, length));
  private readonly sizeLimits: HandshakeSizeLimits;
  private readonly budget = new TurnBudget();
  private readonly flood = new FloodGuard();
  /** RFC 8446 §4.6.3: our KeyUpdate went out and we have sent no application data since. */
  private keyUpdateSentSinceData = false;
  private readonly output = new OutputQueue();
  /** Received bytes not yet handed to the record layer (it takes them a record at a time). */
  private readonly incoming = new ByteQueue();
  private readonly appData = new ByteQueue();
  private lastError: SslError = SslError.NONE;
  /** A failure found while taking input outside a call (a bad record header). */
  private deferredError: unknown;
  private failure: TlsError | TransportError | undefined;
  private peerClosed = false;
  private closeNotifySent = false;
  private transportEnded = false;
  private readKeysSet = false;
  private writeKeysSet = false;
  private parameters: NegotiatedParameters | undefined;
  private queued: EngineEvent[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly outbox: HandshakeOutbox;
  /** Handshake messages queued under the current write keys, sent as few records as possible. */
  private pendingHandshake: Uint8Array[] = [];

  /**
   * A client connection for `serverName` (`SSL_set_connect_state`), or, with `server`, a server
   * connection (`SSL_set_accept_state`). Contexts create these: `TlsClientContext.connection()`,
   * `TlsServerContext.connection()`.
   */
  constructor(config: ResolvedClientConfig, serverName: string | undefined);
  constructor(config: EngineSettings, serverName: undefined, server: ServerStart);
  constructor(
    readonly config: EngineSettings,
    readonly serverName: string | undefined,
    server?: ServerStart,
  ) {
    this.outbox = this.makeOutbox();
    this.role = server ? 'server' : 'client';
    // As Go: a client that verifies certificates checks them against a name (RFC 9525 §6);
    // without one the chain would be trusted for any host.
    if (!server && (config as ResolvedClientConfig).verifyCertificates && (serverName === undefined || serverName === '')) {
      throw new UsageError('a client connection that verifies certificates needs a serverName (a DNS name or an IP address), or verification turned off explicitly');
    }
    this.sizeLimits = resolveHandshakeSizeLimits(config.handshakeSizeLimits);
    // A client that failed before it had handshake keys can only alert in plaintext.
    this.records.acceptPlaintextAlerts = this.role === 'server';
    this.start = server ?? ((out) => startClientHandshake(config as ResolvedClientConfig, serverName, out));
  }

  // ---------------------------------------------------------------- network side

  /**
   * Bytes received from the peer (copied: the caller may reuse its buffer). With `owned`, the
   * caller hands the array over and never touches it again: it is kept without a copy.
   */
  receive(bytes: Uint8Array, owned = false): void {
    if (bytes.length === 0 || this.deferredError) return;
    if (this.incoming.length > 0 || !this.records.needsInput) {
      if (owned) this.incoming.push(bytes);
      else this.incoming.pushCopy(bytes);
      return;
    }
    // The record layer copies what it keeps (unless owned): hand the bytes straight over.
    try {
      this.records.pushIncoming(bytes, owned);
    } catch (err) {
      this.deferredError = err; // surfaces (with its alert) on the next call
    }
  }

  /** Bytes received and not yet processed. */
  get pendingInput(): number {
    return this.incoming.length + this.records.bufferedBytes;
  }

  /** The transport reached end of stream. */
  receiveEnd(): void {
    this.transportEnded = true;
  }

  /** The transport failed. */
  receiveError(cause: unknown): void {
    if (this.failure) return;
    const message = cause instanceof Error ? cause.message : String(cause);
    this.failure = new TransportError('error', `transport failed: ${message}`, { cause });
  }

  /**
   * End the connection from outside with `error` (a handshake timeout, the application giving
   * up): every later call reports it (SYSCALL for a TransportError, SSL for a TlsError). Does
   * nothing once the connection has failed.
   */
  abort(error: TransportError | TlsError): void {
    this.failure ??= error;
  }

  /** How many bytes are ready to be sent. */
  get pendingOutput(): number {
    return this.output.readyLength;
  }

  /**
   * Records still being sealed asynchronously (pipelined WebCrypto AES-GCM): their bytes join
   * `pendingOutput` in order as they finish. Wait with {@link outputSettled}.
   */
  get outputInFlight(): number {
    return this.output.inFlight;
  }

  /**
   * Records are being decrypted asynchronously and fewer than a pipeline's worth of input
   * bytes wait: a driver may read more input while it waits on `asyncReady()`.
   */
  get readsAheadWhileAsync(): boolean {
    return this.records.awaitingOpen && !this.transportEnded && this.pendingInput < RECORD_PIPELINE_DEPTH * MAX_RECORD_BYTES;
  }

  /** Resolves when the next record being sealed is done (at once when none is). */
  outputSettled(): Promise<void> {
    return this.output.settled();
  }

  /** Remove and return the bytes to send (up to `max`), or an empty array. */
  takeOutput(max?: number): Uint8Array {
    return this.output.take(max);
  }

  /** True when the outgoing buffer is at or over its limit. */
  get outputFull(): boolean {
    return this.output.length >= this.config.outgoingBufferLimit;
  }

  // ------------------------------------------------------------ application side

  /**
   * Run the client handshake as far as it can go (`SSL_connect`). Returns 1 when established,
   * 0 when the peer closed cleanly during the handshake, -1 otherwise: see `getError()`.
   */
  connect(): 1 | 0 | -1 {
    if (this.role !== 'client') throw new UsageError('connect() on a server connection: use accept()');
    return this.doHandshake();
  }

  /** Run the server handshake as far as it can go (`SSL_accept`); results as `connect()`. */
  accept(): 1 | 0 | -1 {
    if (this.role !== 'server') throw new UsageError('accept() on a client connection: use connect()');
    return this.doHandshake();
  }

  /** Run the handshake of either role (`SSL_do_handshake`). */
  doHandshake(): 1 | 0 | -1 {
    return this.step(() => {
      this.state ??= this.start(this.outbox);
      return this.advanceHandshake();
    });
  }

  /**
   * Read decrypted application data into `into` (`SSL_read`). Returns the byte count,
   * 0 after the peer's close_notify (ZERO_RETURN), or -1 (see `getError()`).
   */
  read(into: Uint8Array): number {
    const chunk = this.readAvailable(into.length);
    if (chunk !== null) {
      into.set(chunk);
      return chunk.length;
    }
    return this.lastError === SslError.ZERO_RETURN ? 0 : -1;
  }

  /**
   * Like `read()`, without a caller buffer: the next decrypted bytes (at most `max`), or `null`
   * when there are none, with `getError()` saying why (ZERO_RETURN, WANT_READ, SSL, SYSCALL).
   */
  readAvailable(max = Number.MAX_SAFE_INTEGER): Uint8Array | null {
    let out: Uint8Array | null = null;
    this.step(() => {
      if (!this.isEstablished) {
        const r = this.advanceHandshakeFromRead();
        if (r !== 1) return r;
      }
      // Decrypt what is already here, up to `max` (bounded: at most one record more).
      const wanted = Math.min(max, READ_AHEAD);
      if (this.appData.length < wanted) this.pumpRecords(() => this.appData.length >= wanted);
      if (this.appData.length > 0) {
        // A big decrypted record alone, as a view (joining them would copy every byte); small ones joined.
        out = this.appData.takeFront(max, UNJOINED_READ);
        return this.done(out.length);
      }
      return this.noData();
    });
    return out;
  }

  /**
   * Records one traffic key may protect before a KeyUpdate (RFC 8446 §5.5). Set per suite when
   * keys are installed: 2^24.5 for AES-GCM, none for ChaCha20-Poly1305 (its limit is beyond the
   * sequence number). May be lowered (tests, or a stricter policy).
   */
  aeadRecordLimit: number | undefined;
  private peerUpdateRequested = false;
  /** Bytes taken by a write() whose records are still being sealed (it reported WANT_ASYNC). */
  private sealing: number | undefined;

  /**
   * Record every record and message in `messages` events, also after the handshake (the
   * handshake itself is always recorded). Off by default: per-record events cost time on
   * bulk transfers.
   */
  traceRecords = false;

  /**
   * Emit NSS key log lines (`keylog` events). Off by default, so secrets are never copied
   * out of the key schedule unless the user asked for the key log; turn it on before the
   * handshake.
   */
  keylogEnabled = false;

  /**
   * Encrypt application data (`SSL_write` with partial writes enabled). Returns how many
   * bytes were taken (possibly fewer than given), or -1 (see `getError()`): WANT_WRITE when
   * the outgoing buffer is full.
   *
   * With an asynchronous AEAD (WebCrypto AES-GCM, TLS 1.3) the records are sealed in flight,
   * up to {@link RECORD_PIPELINE_DEPTH} at once: the call returns -1 with WANT_ASYNC, and —
   * as OpenSSL's asynchronous mode asks — is repeated with the same bytes once `asyncReady()`
   * resolved, until it returns the count (every record sealed, in `pendingOutput`).
   */
  write(data: Uint8Array): number {
    if (this.closeNotifySent) throw new UsageError('write() after shutdown()');
    return this.step(() => {
      if (!this.isEstablished) {
        this.state ??= this.start(this.outbox);
        const r = this.advanceHandshake();
        if (r !== 1) return r;
      }
      if (this.sealing !== undefined) return this.finishSealing();
      if (data.length === 0) return this.done(0);
      const room = this.outgoingLimit() - this.output.length;
      if (room <= 0) return this.want(SslError.WANT_WRITE);
      this.keepWithinAeadLimit();
      this.flushHandshake();
      const n = Math.min(data.length, room, this.bytesBeforeAeadLimit());
      this.sendRecords(ContentType.application_data, data.subarray(0, n));
      this.keyUpdateSentSinceData = false;
      if (this.output.inFlight === 0) return this.done(n);
      this.sealing = n;
      return this.want(SslError.WANT_ASYNC);
    });
  }

  /** A write whose records were being sealed, called again: its count once they all are. */
  private finishSealing(): number {
    if (this.output.inFlight > 0) return this.want(SslError.WANT_ASYNC);
    const n = this.sealing!;
    this.sealing = undefined;
    return this.done(n);
  }

  /**
   * Send close_notify (`SSL_shutdown`). Returns 1 when the peer's close_notify has also
   * arrived, 0 when ours is sent and theirs not yet (call again after more input: WANT_READ),
   * -1 on error.
   */
  shutdown(): 1 | 0 | -1 {
    return this.step(() => {
      if (!this.closeNotifySent) {
        this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
        this.closeNotifySent = true;
      }
      // Our close_notify waits behind records still being sealed: call again once they are.
      if (this.output.inFlight > 0) return this.want(SslError.WANT_ASYNC);
      if (!this.peerClosed && this.isEstablished) this.pumpRecords(() => this.peerClosed);
      if (this.peerClosed) return this.done(1);
      // Stopped at the budget: not yet (0), and not a truncation either, whatever the transport did.
      if (this.budget.stopped) {
        this.lastError = SslError.WANT_READ;
        return 0;
      }
      // Records still being decrypted come before any verdict on the transport's end.
      if (this.records.awaitingOpen) {
        this.lastError = SslError.WANT_ASYNC;
        return 0;
      }
      if (this.transportEnded) return this.fail(new TransportError('eof', 'transport closed before the peer sent close_notify'));
      this.lastError = SslError.WANT_READ;
      return 0;
    });
  }

  /** Ask for new traffic keys (RFC 8446 §4.6.3); `requestPeer` asks the peer to update too. */
  keyUpdate(requestPeer = true): void {
    const state = this.state;
    if (!this.isEstablished || state === undefined || state instanceof Pending || !isTraffic(state)) {
      throw new UsageError('keyUpdate() before the handshake is complete');
    }
    if (this.parameters?.version === 'TLSv1.2') throw new UsageError('keyUpdate(): TLS 1.2 has no KeyUpdate (the connection negotiated TLSv1.2)');
    this.step(() => {
      this.state = state.sendKeyUpdate(requestPeer, this.outbox);
      return this.done(1);
    });
  }

  /**
   * The last call stopped at its work budget ({@link RECORDS_PER_CALL} records or
   * {@link RECORD_BYTES_PER_CALL} bytes) with input still waiting. It reported WANT_READ
   * (or returned the data it had): yield to the event loop, then call again without waiting
   * for the transport. OpenSSL's `SSL_read` does the same without `SSL_MODE_AUTO_RETRY`.
   */
  get stoppedAtBudget(): boolean {
    return this.budget.stopped;
  }

  /** Why the last call did not finish (`SSL_get_error`). */
  getError(): SslError {
    return this.lastError;
  }

  /** The failure behind SSL or SYSCALL. */
  get error(): TlsError | TransportError | undefined {
    return this.failure;
  }

  /**
   * After WANT_ASYNC: resolves when the awaited job settled (never rejects): a handshake step
   * (a signature, a key exchange), or a record being decrypted or sealed.
   */
  asyncReady(): Promise<void> {
    if (this.asyncWaiter !== undefined) return this.asyncWaiter;
    if (this.records.awaitingOpen) return this.records.openSettled();
    return this.output.settled();
  }

  get isEstablished(): boolean {
    return this.parameters !== undefined && this.failure === undefined;
  }

  /** What the handshake negotiated, once established. */
  get negotiated(): NegotiatedParameters | undefined {
    return this.parameters;
  }

  get phase(): ConnectionPhase {
    if (this.failure) return 'failed';
    if (this.closeNotifySent || this.peerClosed) return 'closed';
    if (this.parameters) return 'established';
    return this.state === undefined ? 'idle' : 'handshaking';
  }

  /** Whether the peer's close_notify arrived. */
  get receivedCloseNotify(): boolean {
    return this.peerClosed;
  }

  /** Subscribe to engine events (delivered after each call commits). Returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ internals

  /** Run one application call: catch protocol errors, make them sticky, deliver events. */
  private step<R extends number>(body: () => R): R {
    this.budget.reset();
    try {
      if (this.failure) return this.reportFailure() as R;
      if (this.deferredError !== undefined) throw this.deferredError;
      if (this.output.failure !== undefined) throw new TlsError('internal_error', 'tls: sealing a record failed', 'local', { cause: this.output.failure });
      const result = body();
      this.flushHandshake();
      return result;
    } catch (err) {
      return this.fail(err) as R;
    } finally {
      this.flushEvents();
    }
  }

  private done<R extends number>(value: R): R {
    this.lastError = SslError.NONE;
    return value;
  }

  private want(error: SslError): -1 {
    this.lastError = error;
    return -1;
  }

  private reportFailure(): -1 {
    this.lastError = this.failure instanceof TransportError ? SslError.SYSCALL : SslError.SSL;
    return -1;
  }

  /** Record a failure; a locally detected protocol error sends its alert first. */
  private fail(err: unknown): -1 {
    if (!this.failure) {
      if (err instanceof TransportError) {
        this.failure = err;
      } else {
        const tlsError = err instanceof TlsError ? err : new TlsError('internal_error', `internal error: ${err instanceof Error ? err.message : String(err)}`, 'local', { cause: err });
        this.failure = tlsError;
        if (tlsError.origin === 'local') this.trySendAlert(tlsError.alert);
      }
    }
    return this.reportFailure();
  }

  private trySendAlert(description: number): void {
    try {
      this.sendAlert(AlertLevel.fatal, description);
    } catch {
      // The alert is best effort: the connection is failing already.
    }
  }

  /** No application data: why. */
  private noData(): -1 | 0 {
    if (this.peerClosed) {
      this.lastError = SslError.ZERO_RETURN;
      return 0;
    }
    if (this.budget.stopped) return this.want(SslError.WANT_READ);
    // Records still being decrypted come before any verdict on the transport's end.
    if (this.records.awaitingOpen) return this.want(SslError.WANT_ASYNC);
    if (this.transportEnded) return this.fail(new TransportError('eof', 'transport closed without close_notify (truncated)'));
    return this.want(SslError.WANT_READ);
  }

  /** Drive the handshake until done, blocked, or failed. */
  private advanceHandshake(): 1 | 0 | -1 {
    for (;;) {
      const state = this.state;
      if (state === undefined) throw new UsageError('handshake not started');
      if (state instanceof Pending) {
        const slot = this.asyncSlot ?? this.park(state);
        if (!slot.settled) return this.want(SslError.WANT_ASYNC);
        this.asyncSlot = undefined;
        this.asyncWaiter = undefined;
        if (!slot.ok) throw slot.error;
        this.state = state.resume(slot.value, this.outbox);
        continue;
      }
      if (isTraffic(state)) return this.done(1);
      if (this.output.length > this.config.outgoingBufferLimit) return this.want(SslError.WANT_WRITE);
      const msg = this.nextHandshakeMessage();
      if (msg === null) {
        if (this.peerClosed) {
          this.lastError = SslError.ZERO_RETURN;
          return 0;
        }
        if (this.budget.stopped) return this.want(SslError.WANT_READ);
        if (this.transportEnded) return this.fail(new TransportError('eof', 'transport closed during the handshake'));
        return this.want(SslError.WANT_READ);
      }
      // A TLS 1.2 change_cipher_spec read on the way may have moved the state on.
      const current = this.state;
      if (current === undefined || current instanceof Pending) throw new TlsError('internal_error', 'handshake state lost while reading');
      this.state = current.handle(msg, this.outbox);
    }
  }

  private advanceHandshakeFromRead(): 1 | 0 | -1 {
    this.state ??= this.start(this.outbox);
    return this.advanceHandshake();
  }

  /** Start watching a pending promise; its result is recorded, and picked up by the next call. */
  private park(pending: Pending<HandshakeState>): AsyncSlot {
    const waiting: AsyncSlot = { settled: false };
    this.asyncSlot = waiting;
    this.asyncWaiter = pending.promise.then(
      (value) => {
        this.asyncSlot = { settled: true, ok: true, value };
      },
      (error: unknown) => {
        this.asyncSlot = { settled: true, ok: false, error };
      },
    );
    return waiting;
  }

  /** The next whole handshake message, reading records as needed; null when more input is needed. */
  private nextHandshakeMessage(): ReceivedMessage | null {
    for (;;) {
      const msg = this.joiner.next();
      if (msg) {
        this.queue({ channel: 'message', event: handshakeMessageEvent('received', msg.raw, this.config.clock()) });
        this.flood.handshakeMessage();
        return msg;
      }
      if (this.peerClosed) return null;
      if (!this.readOneRecord()) return null;
    }
  }

  /** Process records until `satisfied()` or no whole record is left. Post-handshake messages are handled here. */
  private pumpRecords(satisfied: () => boolean): void {
    while (!satisfied() && !this.peerClosed) {
      const msg = this.joiner.next();
      if (msg) {
        this.queue({ channel: 'message', event: handshakeMessageEvent('received', msg.raw, this.config.clock()) });
        const state = this.state;
        if (state === undefined || state instanceof Pending || !isTraffic(state)) throw new TlsError('unexpected_message', 'handshake message outside the handshake');
        this.flood.postHandshakeMessage(msg.type);
        this.state = state.handle(msg, this.outbox);
        continue;
      }
      if (!this.readOneRecord()) return;
    }
  }

  /** Read and dispatch one record. False when no whole record is buffered, or this call's budget is spent. */
  private readOneRecord(): boolean {
    if (!this.budget.allowsAnother()) return false;
    let record = this.records.readRecord();
    while (record === null && this.incoming.length > 0 && this.records.needsInput) {
      // Hand over at most one maximal record's worth at a time: the deframer stays small.
      this.records.pushIncoming(this.incoming.take(this.nextRecordBytes()), true); // take() hands out bytes no one writes again
      record = this.records.readRecord();
    }
    if (record === null) return false;
    this.budget.spend(RECORD_HEADER_LENGTH + record.content.length);
    if (this.tracing) this.queue({ channel: 'message', event: recordEvent('received', record.type, record.content.length, this.readKeysSet, this.config.clock()) });
    switch (record.type) {
      case ContentType.handshake:
        this.joiner.push(record.content);
        return true;
      case ContentType.alert:
        this.handleAlert(record.content);
        return true;
      case ContentType.change_cipher_spec:
        this.handleChangeCipherSpec();
        return true;
      case ContentType.application_data:
        this.askPeerToUpdateNearLimit();
        // RFC 8446 §5.1: no application data before the handshake is complete (no 0-RTT here).
        if (!this.isEstablished) throw new TlsError('unexpected_message', 'application data before the handshake completed');
        if (!this.joiner.isEmpty) throw new TlsError('unexpected_message', 'application data interleaved with a fragmented handshake message');
        this.flood.applicationData(record.content.length);
        this.appData.push(record.content);
        return true;
      default:
        throw new TlsError('unexpected_message', `unexpected ${nameOf.contentType(record.type)} record`);
    }
  }

  /**
   * How much of the buffered input to hand to the record layer: at a record boundary, with the
   * next header here, exactly that record (so the record layer gets it in one piece, and a
   * record lying in one received chunk is never copied); otherwise at most one maximal record.
   */
  private nextRecordBytes(): number {
    if (!this.records.atRecordBoundary || this.incoming.length < RECORD_HEADER_LENGTH) return MAX_RECORD_BYTES;
    const announced = (this.incoming.byteAt(3) << 8) | this.incoming.byteAt(4);
    return Math.min(RECORD_HEADER_LENGTH + announced, MAX_RECORD_BYTES);
  }

  /** TLS 1.2 (RFC 5246 §7.1): the peer switches its write keys; only a state waiting for it takes it. */
  private handleChangeCipherSpec(): void {
    this.queue({ channel: 'message', event: changeCipherSpecEvent('received', this.config.clock()) });
    const state = this.state;
    if (state === undefined || state instanceof Pending || !takesChangeCipherSpec(state)) throw new TlsError('unexpected_message', 'tls: change_cipher_spec out of order');
    if (!this.joiner.isEmpty) throw new TlsError('unexpected_message', 'tls: change_cipher_spec inside a handshake message');
    this.state = state.changeCipherSpec(this.outbox);
  }

  /** RFC 8446 §6: close_notify ends the peer's data; every other alert is fatal. */
  private handleAlert(fragment: Uint8Array): void {
    const alert = decodeAlert(fragment);
    this.queue({ channel: 'message', event: alertEvent('received', alert.level, alert.description, this.config.clock()) });
    if (alert.description === AlertDescription.close_notify) {
      this.peerClosed = true;
      return;
    }
    if (alert.description === AlertDescription.user_canceled) {
      this.flood.warningAlert(); // a close_notify follows (§6.1); a stream of them is a flood
      return;
    }
    throw new TlsError(alert.description as AlertDescription, `peer sent alert ${alertName(alert.description)}`, 'peer');
  }

  private sendAlert(level: number, description: number): void {
    this.flushHandshake();
    this.sendRecords(ContentType.alert, encodeAlert(level, description));
    this.queue({ channel: 'message', event: alertEvent('sent', level, description, this.config.clock()) });
  }

  /**
   * Send the queued handshake messages: consecutive messages under the same keys share records
   * (RFC 8446 §5.1 allows it; a flight such as EncryptedExtensions..Finished goes out as one).
   */
  private flushHandshake(): void {
    if (this.pendingHandshake.length === 0) return;
    const messages = this.pendingHandshake;
    this.pendingHandshake = [];
    this.sendRecords(ContentType.handshake, messages.length === 1 ? messages[0]! : concat(...messages));
  }

  private sendRecords(type: number, content: Uint8Array): void {
    if (type === ContentType.application_data && this.records.sealsAsync) {
      for (const sealing of this.records.sealApplicationData(content)) this.output.pushSealing(sealing.record, sealing.size);
    } else {
      this.output.push(this.records.encodeRecords(type, content));
    }
    if (this.tracing) this.queue({ channel: 'message', event: recordEvent('sent', type, content.length, this.writeKeysSet, this.config.clock()) });
  }

  /** RFC 8446 §5.5: change our write key before it protects too many records. */
  private keepWithinAeadLimit(): void {
    const state = this.state;
    if (!writeKeyExhausted(this.aeadRecordLimit, this.records.recordsWrittenWithCurrentKey)) return;
    if (state === undefined || state instanceof Pending || !isTraffic(state)) return;
    this.state = state.sendKeyUpdate(false, this.outbox);
  }

  /**
   * The outgoing bytes write() may have waiting: `outgoingBufferLimit`, or while records are
   * sealed asynchronously at least enough for the pipeline to be full.
   */
  private outgoingLimit(): number {
    const limit = this.config.outgoingBufferLimit;
    return this.records.sealsAsync ? Math.max(limit, this.records.pipelineDepth * this.records.maxFragmentLength) : limit;
  }

  /** How many bytes the current write key may still protect (whole records). */
  private bytesBeforeAeadLimit(): number {
    return bytesBeforeLimit(this.aeadRecordLimit, this.records.recordsWrittenWithCurrentKey, this.records.maxFragmentLength);
  }

  /** RFC 8446 §5.5: ask the peer to change its key before it reaches the limit (once per key). */
  private askPeerToUpdateNearLimit(): void {
    const state = this.state;
    if (!shouldAskPeerToUpdate(this.aeadRecordLimit, this.records.recordsReadWithCurrentKey, this.peerUpdateRequested)) return;
    if (state === undefined || state instanceof Pending || !isTraffic(state)) return;
    this.peerUpdateRequested = true;
    this.state = state.sendKeyUpdate(true, this.outbox);
  }

  /**
   * Refuse a handshake message at its 4-byte header, before its body is buffered: a type the
   * current state does not take is `unexpected_message` (RFC 8446 §4), a size over that
   * type's limit `decode_error`.
   */
  private checkHandshakeHeader(type: number, length: number): void {
    const state = this.state;
    if (state !== undefined && !(state instanceof Pending)) {
      const expected = state.expects ?? expectedMessages(state.kind, this.role);
      if (expected !== undefined && !expected.includes(type)) throw new TlsError('unexpected_message', `tls: ${nameOf.handshakeType(type)} in state ${state.kind}`);
    }
    const limit = handshakeSizeLimit(type, this.sizeLimits);
    if (length > limit) throw new TlsError('decode_error', `tls: ${nameOf.handshakeType(type)} of ${length} bytes exceeds our limit of ${limit}`);
  }

  private makeOutbox(): HandshakeOutbox {
    return new EngineEffects({
      provider: this.config.provider,
      records: this.records,
      joiner: this.joiner,
      keylogEnabled: () => this.keylogEnabled,
      keyUpdateAnswerPending: () => this.keyUpdateSentSinceData,
      now: () => this.config.clock(),
      queue: (event) => this.queue(event),
      queueHandshake: (raw) => this.pendingHandshake.push(raw),
      flushHandshake: () => this.flushHandshake(),
      sendRecords: (type, content) => this.sendRecords(type, content),
      keysInstalled: (direction, aead, rekeyable) => this.keysInstalled(direction, aead, rekeyable),
      sendAlert: (level, description) => this.sendAlert(level, description),
      keyUpdateSent: () => {
        this.keyUpdateSentSinceData = true;
      },
      established: (parameters) => {
        this.parameters = parameters;
        // RFC 8446 §5: from the client's Finished on, every record is protected.
        this.records.acceptPlaintextAlerts = false;
        // Application data may now keep several records in flight (with an asynchronous AEAD).
        if (parameters.version === 'TLSv1.3') this.records.pipelineDepth = RECORD_PIPELINE_DEPTH;
      },
    });
  }

  private keysInstalled(direction: 'read' | 'write', aead: AeadAlgorithm, rekeyable: boolean): void {
    if (direction === 'read') {
      this.readKeysSet = true;
      this.peerUpdateRequested = false;
      return;
    }
    this.writeKeysSet = true;
    // TLS 1.2 has no KeyUpdate: its only limit is the sequence number, which never wraps (RFC 5246 §6.1).
    if (rekeyable) this.aeadRecordLimit ??= aead === 'CHACHA20-POLY1305' ? undefined : AES_GCM_RECORD_LIMIT;
  }

  /** Record-level events: always during the handshake, afterwards only when traced. */
  private get tracing(): boolean {
    return this.parameters === undefined || this.traceRecords;
  }

  private queue(event: EngineEvent): void {
    if (this.listeners.size > 0) this.queued.push(event);
  }

  /** Deliver queued events after the step committed, so listeners see consistent state. */
  private flushEvents(): void {
    if (this.queued.length === 0) return;
    const events = this.queued;
    this.queued = [];
    for (const e of events) for (const l of this.listeners) l(e);
  }
}
