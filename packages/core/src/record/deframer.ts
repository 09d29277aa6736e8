import { ContentType } from '../codec/enums.ts';
import { TlsError, UsageError } from '../errors/tls-error.ts';
import { ByteQueue } from '../bytes/byte-queue.ts';
import { MAX_CIPHERTEXT, RECORD_HEADER_LENGTH } from './limits.ts';

/** One record as it came off the wire (RFC 8446 §5.1 TLSPlaintext / §5.2 TLSCiphertext). */
export interface RawRecord {
  /** ContentType (or `opaque_type` of a protected record). */
  readonly type: number;
  /** legacy_record_version: reported, otherwise ignored (RFC 8446 §5.1). */
  readonly legacyVersion: number;
  /** The record body. */
  readonly fragment: Uint8Array;
  /** The 5 header bytes: the additional data of a protected record (RFC 8446 §5.2). */
  readonly header: Uint8Array;
}

/** Whether `type` is a content type TLS 1.3 knows (RFC 8446 §5.1). */
export function isKnownContentType(type: number): boolean {
  return (
    type === ContentType.change_cipher_spec ||
    type === ContentType.alert ||
    type === ContentType.handshake ||
    type === ContentType.application_data
  );
}

/**
 * Splits a byte stream into records (RFC 8446 §5.1).
 *
 * Memory stays bounded: the caller drains `next()` until it returns `null` before it pushes
 * again, so at most one incomplete record (less than 5 + {@link MAX_CIPHERTEXT} bytes) plus
 * one `push()` argument is ever held. Pushing while a whole record is still queued is a
 * {@link UsageError}. Each header is checked as soon as its 5 bytes are present, before the
 * body is buffered. Errors are sticky: once a `TlsError` is thrown, every later call
 * throws it again.
 */
export class RecordDeframer {
  private readonly fifo = new ByteQueue();
  private failure: TlsError | undefined;

  /** Queue received bytes. Copies what it keeps: the caller may reuse `chunk`. An empty chunk is always accepted. */
  push(chunk: Uint8Array, owned = false): void {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    if (this.hasRecord()) throw new UsageError('RecordDeframer.push: drain next() before pushing more bytes');
    if (owned) this.fifo.push(chunk);
    else this.fifo.pushCopy(chunk);
    this.checkHeader();
  }

  /** The next whole record, or `null` when more bytes are needed. */
  next(): RawRecord | null {
    if (this.failure) throw this.failure;
    const length = this.checkHeader();
    if (length === null || this.fifo.length < RECORD_HEADER_LENGTH + length) return null;
    const bytes = this.fifo.take(RECORD_HEADER_LENGTH + length);
    const header = bytes.subarray(0, RECORD_HEADER_LENGTH);
    return {
      type: header[0]!,
      legacyVersion: (header[1]! << 8) | header[2]!,
      fragment: bytes.subarray(RECORD_HEADER_LENGTH),
      header,
    };
  }

  /** Bytes received and not yet returned as records. */
  get bufferedBytes(): number {
    return this.fifo.length;
  }

  /** True when `next()` would return `null`: more bytes are needed and `push()` is allowed. */
  get needsInput(): boolean {
    return this.failure === undefined && !this.hasRecord();
  }

  private hasRecord(): boolean {
    if (this.fifo.length < RECORD_HEADER_LENGTH) return false;
    return this.fifo.length >= RECORD_HEADER_LENGTH + this.announcedLength();
  }

  private announcedLength(): number {
    return (this.fifo.byteAt(3) << 8) | this.fifo.byteAt(4);
  }

  /** Validate the front header when present; its announced length, or null. */
  private checkHeader(): number | null {
    if (this.fifo.length < RECORD_HEADER_LENGTH) return null;
    const type = this.fifo.byteAt(0);
    const length = this.announcedLength();
    // RFC 8446 §5: an unexpected record type ends the connection with unexpected_message.
    if (!isKnownContentType(type)) this.fail(new TlsError('unexpected_message', `tls: record of unknown content type ${type}`));
    // RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256.
    if (length > MAX_CIPHERTEXT) this.fail(new TlsError('record_overflow', `tls: record length ${length} exceeds ${MAX_CIPHERTEXT}`));
    return length;
  }

  private fail(error: TlsError): never {
    this.failure = error;
    throw error;
  }
}
