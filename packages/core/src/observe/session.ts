import { BehaviorSubject, ReplaySubject, Subject, defer, type Observable } from 'rxjs';
import type { TlsConnection, ConnectionPhase } from '../engine/connection.ts';
import { SslError } from '../engine/ssl-error.ts';
import { ticketInfo, type HandshakeEvent, type MessageEvent, type NegotiatedParameters, type SessionTicketInfo } from '../handshake/events.ts';
import { drive, flushOutput } from './drive.ts';
import type { ReadinessPort } from './readiness.ts';
import { HandshakeTimeoutError } from '../engine/transport-error.ts';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from '../record/limits.ts';
import { TlsError, UsageError } from '../errors/tls-error.ts';
import { startTimer } from './timers.ts';

/** Options of a {@link TlsSession}. */
export interface SessionOptions {
  /**
   * Milliseconds the handshake may take from its start (`handshake()`) before it fails with a
   * {@link HandshakeTimeoutError} and the transport is destroyed. Default
   * {@link DEFAULT_HANDSHAKE_TIMEOUT_MS} (30 s); 0 turns it off.
   */
  readonly handshakeTimeout?: number;
}


/** How many message events a late `messages$` subscriber still sees. */
const MESSAGE_REPLAY = 256;
const READ_CHUNK = 64 * 1024;

/**
 * A TLS connection joined to a transport through the driver, with observable progress.
 * Promise methods for data; observables for everything that happens.
 */
export class TlsSession {
  private readonly handshakeSubject = new ReplaySubject<HandshakeEvent>();
  private readonly messagesSubject = new ReplaySubject<MessageEvent>(MESSAGE_REPLAY);
  private readonly keylogSubject = new ReplaySubject<string>();
  private readonly ticketsSubject = new ReplaySubject<SessionTicketInfo>();
  private readonly wantsSubject = new Subject<SslError>();
  private readonly phaseSubject: BehaviorSubject<ConnectionPhase>;
  private handshakeSettled = false;
  private readonly detach: () => void;
  private handshakePromise: Promise<NegotiatedParameters> | undefined;
  private readonly handshakeTimeout: number;
  private stopTimer: (() => void) | undefined;

  /** Each handshake step with its timestamp; completes when established, errors with the typed error. Replays for late subscribers. */
  readonly handshake$: Observable<HandshakeEvent> = this.handshakeSubject.asObservable();
  /**
   * Every record, handshake message and alert in both directions (like `s_client -msg`).
   * The handshake's are replayed to late subscribers; records after the handshake are
   * recorded from the first subscription on.
   */
  readonly messages$: Observable<MessageEvent> = defer(() => {
    this.connection.traceRecords = true;
    return this.messagesSubject.asObservable();
  });
  /**
   * NSS key log lines (SSLKEYLOGFILE format) for Wireshark. Contains secrets. Subscribing turns
   * the key log on: subscribe before the handshake (lines from before are not kept).
   */
  readonly keylog$: Observable<string> = defer(() => {
    this.connection.keylogEnabled = true;
    return this.keylogSubject.asObservable();
  });
  /** NewSessionTickets the server sent (without their PSK: that secret goes to the ticket store only). */
  readonly tickets$: Observable<SessionTicketInfo> = this.ticketsSubject.asObservable();
  /** What the engine waits for after each call: WANT_READ, WANT_WRITE, WANT_ASYNC, or NONE. */
  readonly wants$: Observable<SslError> = this.wantsSubject.asObservable();
  /** idle → handshaking → established → closed, or failed. */
  readonly phase$: Observable<ConnectionPhase>;

  constructor(
    readonly connection: TlsConnection,
    private readonly port: ReadinessPort,
    options: SessionOptions = {},
  ) {
    const timeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    if (!(Number.isFinite(timeout) && timeout >= 0)) throw new UsageError(`handshakeTimeout must be a number of milliseconds >= 0, got ${timeout}`);
    this.handshakeTimeout = timeout;
    this.phaseSubject = new BehaviorSubject<ConnectionPhase>(connection.phase);
    this.phase$ = this.phaseSubject.asObservable();
    this.detach = connection.onEvent((e) => {
      switch (e.channel) {
        case 'handshake':
          this.handshakeSubject.next(e.event);
          if (e.event.type === 'established') {
            this.handshakeSettled = true;
            this.handshakeSubject.complete();
          }
          break;
        case 'message':
          this.messagesSubject.next(e.event);
          break;
        case 'keylog':
          this.keylogSubject.next(e.line);
          break;
        case 'ticket':
          this.ticketsSubject.next(ticketInfo(e.ticket));
          break;
        case 'key-update':
          break;
      }
    });
  }

  /**
   * Run the handshake (idempotent). Resolves with what was negotiated. The handshake timeout
   * runs from the first call: when it passes, the connection fails with a
   * {@link HandshakeTimeoutError} and the transport is destroyed.
   */
  handshake(): Promise<NegotiatedParameters> {
    if (this.handshakePromise === undefined) {
      if (this.handshakeTimeout > 0 && !this.connection.isEstablished) {
        this.stopTimer = startTimer(this.handshakeTimeout, () => this.timeOut());
      }
      this.handshakePromise = this.run(() => this.connection.doHandshake())
        .finally(() => this.stopTimer?.())
        .then((r) => {
          if (r !== 1) throw this.connection.error ?? new Error('tls: peer closed the connection during the handshake');
          return this.connection.negotiated!;
        });
    }
    return this.handshakePromise;
  }

  /** The handshake timeout passed: fail the connection with it and tear the transport down (the driver wakes up and reports it). */
  private timeOut(): void {
    if (this.connection.isEstablished) return;
    this.connection.abort(new HandshakeTimeoutError(this.handshakeTimeout));
    this.port.destroy();
  }

  /** The next decrypted bytes, or `null` after the peer's close_notify. Throws on truncation or a protocol error. */
  async read(): Promise<Uint8Array | null> {
    let chunk: Uint8Array | null = null;
    // A reader does not wait for the port to take our output (see DriveOptions.waitForPort).
    await this.run(() => {
      chunk = this.connection.readAvailable(READ_CHUNK);
      return chunk === null ? -1 : chunk.length;
    }, false);
    return chunk;
  }

  /** Write all of `data`; resolves once the engine has taken and sent every byte. */
  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const chunk = data.subarray(offset);
      offset += await this.run(() => this.connection.write(chunk));
    }
  }

  /**
   * Send close_notify. With `waitForPeer`, also wait for the peer's close_notify (reading and
   * discarding nothing: unread data stays readable).
   */
  async shutdown(options: { waitForPeer?: boolean } = {}): Promise<void> {
    if (options.waitForPeer) {
      await this.run(() => this.connection.shutdown());
    } else {
      this.connection.shutdown();
      this.update();
      await flushOutput(this.connection, this.port);
    }
    this.port.end();
  }

  /**
   * Tear the transport down and complete the streams. After a failure we detected ourselves,
   * whose fatal alert went to the port, the port closes gracefully instead (`closeAfterAlert`)
   * so that the alert reaches the peer.
   */
  destroy(): void {
    this.stopTimer?.();
    // A handshake cut short ends with the same TransportError everywhere.
    if (!this.connection.isEstablished && this.connection.error === undefined) this.connection.receiveError(new Error('connection destroyed'));
    const error = this.connection.error;
    if (error instanceof TlsError && error.origin === 'local' && this.port.closeAfterAlert !== undefined) {
      // The port queues what it cannot send at once; the lingering close sends it first.
      if (this.connection.pendingOutput > 0) this.port.write(this.connection.takeOutput());
      this.port.closeAfterAlert();
    } else {
      this.port.destroy();
    }
    this.finish();
  }

  private async run<R extends number>(op: () => R, waitForPort = true): Promise<R> {
    try {
      return await drive(
        this.connection,
        this.port,
        op,
        (want) => {
          this.update();
          this.wantsSubject.next(want);
        },
        { waitForPort },
      );
    } catch (err) {
      this.update();
      if (!this.handshakeSettled) {
        this.handshakeSettled = true;
        this.handshakeSubject.error(err);
      }
      throw err;
    }
  }

  private update(): void {
    const phase = this.connection.phase;
    if (this.phaseSubject.value !== phase) this.phaseSubject.next(phase);
  }

  private finish(): void {
    this.detach();
    if (!this.handshakeSettled) {
      this.handshakeSettled = true;
      this.handshakeSubject.error(this.connection.error ?? new Error('tls: connection destroyed before the handshake completed'));
    }
    this.messagesSubject.complete();
    this.keylogSubject.complete();
    this.ticketsSubject.complete();
    this.wantsSubject.complete();
    this.phaseSubject.complete();
  }
}
