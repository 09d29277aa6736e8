import { TlsStream, type NegotiatedParameters, type TlsConnection } from '@rxtls/core';
import type { Addr, DenoConn } from './deno-api.ts';
import { DenoReadiness } from './deno-readiness.ts';
import type { KeylogOption, TraceOption } from './options.ts';
import { keylogFile } from './sinks.ts';

/** What `connect()`, `listen()` and `accept()` build a {@link TlsConn} from. */
export interface TlsConnSetup {
  /** The engine, client or server side. */
  readonly connection: TlsConnection;
  /** The connection underneath. */
  readonly transport: DenoConn;
  /** Client: the name sent as SNI and checked. */
  readonly servername?: string;
  readonly allowHalfOpen?: boolean;
  readonly keylog?: KeylogOption;
  readonly trace?: TraceOption;
  /** See {@link ConnOptions.handshakeTimeout}. */
  readonly handshakeTimeout?: number;
  /** Client with verification off: check the chain after the handshake; throws the reason it is not authorized. */
  readonly authorize?: (negotiated: NegotiatedParameters) => Promise<void>;
}

/**
 * One TLS connection over a `Deno.Conn`, client or server: core's {@link TlsStream} (the
 * lifecycle every transport shares: `established`, `read`/`write`/`shutdown`/`close`, web
 * streams, `data$`/`close$`, the observables) over Deno's readiness port, plus the conn's
 * addresses and TCP knobs. Read with one of `read()`, `readable` or `data$`.
 *
 * A failure (a protocol error, a transport error, a truncated stream) destroys the connection
 * at once and is what every pending and later call rejects with. The peer's close_notify makes
 * `read()` return `null`; unless `allowHalfOpen`, ours goes back and the connection is closed.
 */
export class TlsConn extends TlsStream {
  private readonly transport: DenoConn;

  constructor(setup: TlsConnSetup) {
    super({ ...setup, port: (onFailure) => new DenoReadiness(setup.transport, onFailure), keylogFile });
    this.transport = setup.transport;
  }

  /** Our end of the connection (`Deno.Conn#localAddr`). */
  get localAddr(): Addr | undefined {
    return this.transport.localAddr;
  }

  /** The peer's end of the connection (`Deno.Conn#remoteAddr`). */
  get remoteAddr(): Addr | undefined {
    return this.transport.remoteAddr;
  }

  /** TCP_NODELAY on the connection underneath, when it has it. */
  setNoDelay(noDelay = true): this {
    this.transport.setNoDelay?.(noDelay);
    return this;
  }

  /** SO_KEEPALIVE on the connection underneath, when it has it. */
  setKeepAlive(keepAlive = true): this {
    this.transport.setKeepAlive?.(keepAlive);
    return this;
  }

  /** Let the connection keep the process alive (the default). */
  ref(): this {
    this.transport.ref?.();
    return this;
  }

  /** Let the process exit while this connection is open. */
  unref(): this {
    this.transport.unref?.();
    return this;
  }
}
