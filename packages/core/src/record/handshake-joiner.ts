import { TlsError, UsageError } from '../errors/tls-error.ts';
import { ByteQueue } from '../bytes/byte-queue.ts';
import { HANDSHAKE_HEADER_LENGTH, MAX_HANDSHAKE_MESSAGE } from './limits.ts';

/** One whole handshake message (RFC 8446 §4). */
export interface JoinedHandshakeMessage {
  /** HandshakeType. */
  readonly type: number;
  /** The message body, without the 4-byte header. */
  readonly body: Uint8Array;
  /** Header and body, exactly as received: what goes into the transcript hash. */
  readonly raw: Uint8Array;
}

/**
 * Decides whether a handshake message may be buffered, from its header alone: throws a
 * `TlsError` (the state takes no message of this type: `unexpected_message`; too large:
 * `decode_error`) to refuse it.
 */
export type HeaderCheck = (type: number, length: number) => void;

/** The default check: any type, at most {@link MAX_HANDSHAKE_MESSAGE} bytes. */
export const checkMaxHandshakeMessage: HeaderCheck = (_type, length) => {
  if (length > MAX_HANDSHAKE_MESSAGE) throw new TlsError('decode_error', `tls: handshake message of ${length} bytes exceeds our limit of ${MAX_HANDSHAKE_MESSAGE}`);
};

/**
 * Reassembles handshake messages from the content of handshake records (RFC 8446 §5.1):
 * one message may span several records and one record may hold several messages.
 *
 * Memory stays bounded: each message's 4-byte header goes through the {@link HeaderCheck} as
 * soon as it is at the front (the engine's checks the type against the current state and the
 * size against that type's limit), before any of its body is kept; and the caller drains `next()` until it
 * returns `null` before it pushes again (pushing while a whole message is queued is a
 * {@link UsageError}). So at most one partial message plus one pushed fragment is held.
 * Errors are sticky.
 */
export class HandshakeJoiner {
  private readonly fifo = new ByteQueue();
  private failure: TlsError | undefined;

  /** `headerCheck` runs on each message header when it reaches the front, possibly more than once. */
  constructor(private readonly headerCheck: HeaderCheck = checkMaxHandshakeMessage) {}

  /** Queue the content of one handshake record (copied). */
  push(fragment: Uint8Array): void {
    if (this.failure) throw this.failure;
    // RFC 8446 §5.1: implementations MUST NOT send zero-length fragments of Handshake types.
    if (fragment.length === 0) this.fail(new TlsError('unexpected_message', 'tls: zero-length handshake fragment'));
    if (this.hasMessage()) throw new UsageError('HandshakeJoiner.push: drain next() before pushing more');
    // A message that starts here is judged on its header before the fragment is copied in.
    if (this.fifo.length === 0 && fragment.length >= HANDSHAKE_HEADER_LENGTH) {
      this.runHeaderCheck(fragment[0]!, (fragment[1]! << 16) | (fragment[2]! << 8) | fragment[3]!);
    }
    this.fifo.pushCopy(fragment);
    this.checkHeader();
  }

  /** The next whole message, or `null` when more records are needed. */
  next(): JoinedHandshakeMessage | null {
    if (this.failure) throw this.failure;
    const length = this.checkHeader();
    if (length === null || this.fifo.length < HANDSHAKE_HEADER_LENGTH + length) return null;
    const raw = this.fifo.take(HANDSHAKE_HEADER_LENGTH + length);
    return { type: raw[0]!, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw };
  }

  /**
   * True when no handshake bytes are pending, neither part of a message nor a whole message
   * not yet taken. RFC 8446 §5.1: a key change is allowed only then.
   */
  get isEmpty(): boolean {
    return this.fifo.length === 0;
  }

  /** Bytes pushed and not yet returned. */
  get bufferedBytes(): number {
    return this.fifo.length;
  }

  /**
   * Throw `unexpected_message` unless {@link isEmpty}: call before changing read keys.
   * RFC 8446 §5.1: handshake messages MUST NOT span key changes; the messages before a key
   * change must end on a record boundary.
   */
  checkKeyChange(): void {
    if (this.failure) throw this.failure;
    if (!this.isEmpty) this.fail(new TlsError('unexpected_message', 'tls: handshake data pending at a key change does not end on a record boundary'));
  }

  private hasMessage(): boolean {
    const length = this.announcedLength();
    return length !== null && this.fifo.length >= HANDSHAKE_HEADER_LENGTH + length;
  }

  private announcedLength(): number | null {
    if (this.fifo.length < HANDSHAKE_HEADER_LENGTH) return null;
    return (this.fifo.byteAt(1) << 16) | (this.fifo.byteAt(2) << 8) | this.fifo.byteAt(3);
  }

  private checkHeader(): number | null {
    const length = this.announcedLength();
    if (length === null) return null;
    this.runHeaderCheck(this.fifo.byteAt(0), length);
    return length;
  }

  /** The header check; a TlsError it throws is sticky. */
  private runHeaderCheck(type: number, length: number): void {
    try {
      this.headerCheck(type, length);
    } catch (e) {
      if (e instanceof TlsError) this.fail(e);
      throw e;
    }
  }

  private fail(error: TlsError): never {
    this.failure = error;
    throw error;
  }
}
