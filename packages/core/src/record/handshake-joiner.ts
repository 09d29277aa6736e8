import { TlsError, UsageError } from '../errors/tls-error.ts';
import { ByteFifo } from './byte-fifo.ts';
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
 * Reassembles handshake messages from the content of handshake records (RFC 8446 §5.1):
 * one message may span several records and one record may hold several messages.
 *
 * Memory stays bounded: a message announcing more than {@link MAX_HANDSHAKE_MESSAGE} bytes is
 * refused as soon as its 4-byte header is present, and the caller drains `next()` until it
 * returns `null` before it pushes again (pushing while a whole message is queued is a
 * {@link UsageError}). So at most one partial message plus one pushed fragment is held.
 * Errors are sticky.
 */
export class HandshakeJoiner {
  private readonly fifo = new ByteFifo();
  private failure: TlsError | undefined;

  /** Queue the content of one handshake record (copied). */
  push(fragment: Uint8Array): void {
    if (this.failure) throw this.failure;
    // RFC 8446 §5.1: implementations MUST NOT send zero-length fragments of Handshake types.
    if (fragment.length === 0) this.fail(new TlsError('unexpected_message', 'tls: zero-length handshake fragment'));
    if (this.hasMessage()) throw new UsageError('HandshakeJoiner.push: drain next() before pushing more');
    this.fifo.push(fragment);
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
    if (length !== null && length > MAX_HANDSHAKE_MESSAGE) {
      this.fail(new TlsError('decode_error', `tls: handshake message of ${length} bytes exceeds our limit of ${MAX_HANDSHAKE_MESSAGE}`));
    }
    return length;
  }

  private fail(error: TlsError): never {
    this.failure = error;
    throw error;
  }
}
