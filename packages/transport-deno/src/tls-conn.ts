import type { Observable } from 'rxjs';
import type { ConnectionPhase, HandshakeEvent, MessageEvent, NegotiatedParameters, SessionTicket, SslError, TlsSession } from '@rxtls/core';
import type { NetAddr } from './deno-api.ts';

/**
 * One TLS connection over a `Deno.Conn`, client or server: the {@link TlsSession}'s
 * observables and promise methods, plus web streams. Read with one of `read()` or
 * `readable`, not both.
 */
export class TlsConn {
  /** Each handshake step with its timestamp; completes when established, errors with the typed error. Replays. */
  readonly handshake$: Observable<HandshakeEvent>;
  /** Every record, handshake message and alert in both directions (like `s_client -msg`). */
  readonly messages$: Observable<MessageEvent>;
  /** NSS key log lines (contain secrets); subscribe before the handshake, or pass `keylog: true`. */
  readonly keylog$: Observable<string>;
  /** NewSessionTickets the server sent. */
  readonly tickets$: Observable<SessionTicket>;
  /** What the engine waits for after each call. */
  readonly wants$: Observable<SslError>;
  /** idle → handshaking → established → closed, or failed. */
  readonly phase$: Observable<ConnectionPhase>;
  /** Decrypted application data; closes at the peer's close_notify, errors on truncation or a protocol error. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Application data to encrypt and send; `close()` sends close_notify and half-closes TCP. */
  readonly writable: WritableStream<Uint8Array>;

  constructor(
    /** The session (engine + driver) underneath. */
    readonly session: TlsSession,
    /** Our end of the TCP connection. */
    readonly localAddr: NetAddr | { readonly transport: string },
    /** The peer's end of the TCP connection. */
    readonly remoteAddr: NetAddr | { readonly transport: string },
  ) {
    this.handshake$ = session.handshake$;
    this.messages$ = session.messages$;
    this.keylog$ = session.keylog$;
    this.tickets$ = session.tickets$;
    this.wants$ = session.wants$;
    this.phase$ = session.phase$;
    this.readable = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const chunk = await this.read();
          if (chunk === null) controller.close();
          else controller.enqueue(chunk);
        },
        cancel: () => this.destroy(),
      },
      { highWaterMark: 0 },
    );
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => this.write(chunk),
      close: () => this.shutdown(),
      abort: () => this.destroy(),
    });
  }

  /** Run the handshake (idempotent); resolves with what was negotiated. */
  handshake(): Promise<NegotiatedParameters> {
    return this.session.handshake();
  }

  /** The next decrypted bytes; `null` after the peer's close_notify. Throws on truncation (no close_notify) or a protocol error. */
  async read(): Promise<Uint8Array | null> {
    await this.handshake();
    return this.session.read();
  }

  /** Encrypt and send all of `data`; resolves once it is handed to the socket. */
  async write(data: Uint8Array): Promise<void> {
    await this.handshake();
    return this.session.write(data);
  }

  /** Send close_notify and half-close TCP; with `waitForPeer`, wait for the peer's close_notify too. */
  shutdown(options: { waitForPeer?: boolean } = {}): Promise<void> {
    return this.session.shutdown(options);
  }

  /** Close the socket now (no close_notify) and complete the observables. */
  destroy(): void {
    this.session.destroy();
  }

  /** What was negotiated, once established. */
  get negotiated(): NegotiatedParameters | undefined {
    return this.session.connection.negotiated;
  }
}
