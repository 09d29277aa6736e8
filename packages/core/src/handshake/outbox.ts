import type { CipherSuiteParams } from '../crypto/suites.ts';
import type { CipherSuite12 } from '../crypto/suites12.ts';
import type { MaybePromise } from '../crypto/provider.ts';
import type { HandshakeStep, SessionTicket } from './events.ts';

/** A whole handshake message as received: type, body, and the raw bytes for the transcript. */
export interface ReceivedMessage {
  readonly type: number;
  readonly body: Uint8Array;
  readonly raw: Uint8Array;
}

/**
 * Where handshake states put their effects. States never touch the record layer or the
 * network directly: the engine implements this and applies the effects in order.
 */
export interface HandshakeOutbox {
  /** Queue a handshake message (4-byte header included) under the current write keys. */
  sendHandshake(raw: Uint8Array): void;
  /** Queue the middlebox-compatibility change_cipher_spec record (RFC 8446 Appendix D.4). */
  sendChangeCipherSpec(): void;
  /** Protect incoming records with keys from this traffic secret (RFC 8446 §7.3). */
  setReadKeys(suite: CipherSuiteParams, trafficSecret: Uint8Array): void;
  /** Protect outgoing records with keys from this traffic secret. */
  setWriteKeys(suite: CipherSuiteParams, trafficSecret: Uint8Array): void;
  /** TLS 1.2 was negotiated: the record layer follows RFC 5246 §6.2 from now on. */
  useTls12(): void;
  /** TLS 1.2: decrypt incoming records with this key and implicit IV (RFC 5246 §6.3), from the next record on. */
  setReadKeys12(suite: CipherSuite12, key: Uint8Array, iv: Uint8Array): void;
  /** TLS 1.2: protect outgoing records with this key and implicit IV, after what is queued. */
  setWriteKeys12(suite: CipherSuite12, key: Uint8Array, iv: Uint8Array): void;
  /** Send a warning alert (TLS 1.2's no_renegotiation, RFC 5246 §7.2.2). */
  sendWarningAlert(description: number): void;
  /** The peer's record_size_limit (RFC 8449): bounds what we send. */
  setPeerRecordSizeLimit(limit: number): void;
  /** Whether a plaintext change_cipher_spec may arrive now (RFC 8446 §5). */
  setAcceptCompatibilityCcs(accept: boolean): void;
  /** Report a handshake step (timestamped by the engine). */
  step(step: HandshakeStep): void;
  /** An NSS key log line (`LABEL <client_random> <secret>`). */
  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void;
  /** A session ticket for the user. */
  ticket(ticket: SessionTicket): void;
  /** A KeyUpdate happened in this direction. */
  keyUpdated(direction: 'sent' | 'received'): void;
  /**
   * RFC 8446 §4.6.3: whether a KeyUpdate of ours went out and no application data since. A
   * peer's update_requested is then already answered by it: requests that arrive while we are
   * silent get one answer, not one each.
   */
  keyUpdateAnswerPending(): boolean;
  /** Skip the client's 0-RTT records we could not accept (RFC 8446 §4.2.10), up to `maxBytes`. */
  rejectEarlyData(maxBytes: number): void;
}

/**
 * A state waiting on an asynchronous operation (certificate validation, a WebCrypto key
 * exchange). The engine reports WANT_ASYNC until the promise settles, then calls `resume`
 * inside its next step, so effects still happen in order and never from a promise callback.
 */
export class Pending<S> {
  readonly kind = 'Pending';
  constructor(
    readonly promise: Promise<unknown>,
    readonly resume: (value: unknown, out: HandshakeOutbox) => S | Pending<S>,
  ) {}
}

/** The result of handling one message: the next state, or a wait for one. */
export type Transition<S> = S | Pending<S>;

/** Continue with `value` now if it is ready, or park on it. */
export function after<T, S>(value: MaybePromise<T>, out: HandshakeOutbox, resume: (value: T, out: HandshakeOutbox) => Transition<S>): Transition<S> {
  if (value instanceof Promise) return new Pending<S>(value, resume as (v: unknown, o: HandshakeOutbox) => Transition<S>);
  return resume(value, out);
}

/** The engine's view of any handshake state, client or server: one message in, the next state out. */
export interface HandshakeState {
  readonly kind: string;
  /**
   * The handshake message types this state takes, checked at each message's header. Absent:
   * the table in `expected-messages.ts` answers by `kind`.
   */
  readonly expects?: readonly number[];
  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState>;
}

/** The state of an established connection (RFC 8446 §4.6): post-handshake messages only. */
export interface TrafficState extends HandshakeState {
  readonly kind: 'Connected';
  /** Send KeyUpdate and move to the next write secret (RFC 8446 §4.6.3). */
  sendKeyUpdate(requestPeer: boolean, out: HandshakeOutbox): TrafficState;
}

/** Whether `state` is the established state. */
export function isTraffic(state: HandshakeState): state is TrafficState {
  return state.kind === 'Connected';
}

/**
 * A TLS 1.2 state that takes the peer's change_cipher_spec (RFC 5246 §7.1): the record layer
 * hands it over, and the state switches read keys and returns the next state.
 */
export interface TakesChangeCipherSpec extends HandshakeState {
  changeCipherSpec(out: HandshakeOutbox): HandshakeState;
}

/** Whether `state` expects a change_cipher_spec now. */
export function takesChangeCipherSpec(state: HandshakeState): state is TakesChangeCipherSpec {
  return typeof (state as Partial<TakesChangeCipherSpec>).changeCipherSpec === 'function';
}
