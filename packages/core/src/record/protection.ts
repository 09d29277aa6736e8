import { ContentType } from '../codec/enums.ts';
import type { Aead } from '../crypto/provider.ts';
import { TlsError, UsageError } from '../errors/tls-error.ts';
import type { RawRecord } from './deframer.ts';
import { MAX_CIPHERTEXT, MAX_INNER_PLAINTEXT, RECORD_HEADER_LENGTH } from './limits.ts';
import { SequenceNumber } from './nonce.ts';

/** legacy_record_version of every protected record (RFC 8446 §5.2). */
const TLS12 = 0x0303;

/** One traffic key's AEAD and its record sequence number (RFC 8446 §5.3): what both directions share. */
abstract class RecordProtection {
  protected readonly aead: Aead;
  protected readonly seq: SequenceNumber;

  /**
   * @param aead the AEAD bound to the traffic key.
   * @param iv the traffic iv (copied).
   * @param sequenceNumber the first sequence number; 0 for fresh keys.
   */
  constructor(aead: Aead, iv: Uint8Array, sequenceNumber = 0n) {
    this.aead = aead;
    this.seq = new SequenceNumber(iv, sequenceNumber);
  }

  /** The sequence number of the next record. */
  get sequenceNumber(): bigint {
    return this.seq.value;
  }

  /** Overwrite the key material: these keys are replaced and will not be used again. */
  destroy(): void {
    this.aead.destroy?.();
  }

  /** The AEAD's tag length: the bytes a record grows by, besides the type byte and padding. */
  get tagLength(): number {
    return this.aead.tagLength;
  }
}

/**
 * Protects outgoing records with one traffic key (RFC 8446 §5.2): builds TLSInnerPlaintext
 * (content, type, zero padding), encrypts it with the record header as additional data and
 * a per-record nonce (§5.3), and returns the whole TLSCiphertext record.
 */
export class RecordSealer extends RecordProtection {
  /**
   * Seal one record. `content` plus `paddingLength` must not exceed 2^14 bytes (RFC 8446
   * §5.4); a larger request is the caller's mistake ({@link UsageError}).
   */
  seal(type: number, content: Uint8Array, paddingLength = 0): Uint8Array {
    const { nonce, header, inner } = this.prepare(type, content, paddingLength);
    const encrypted = this.aead.seal(nonce, header, inner);
    this.seq.increment();
    return frame(header, encrypted);
  }

  /** Whether the AEAD can seal asynchronously ({@link sealAsync}). */
  get sealsAsync(): boolean {
    return this.aead.sealAsync !== undefined;
  }

  /**
   * Seal one record with the AEAD's asynchronous seal (a WebCrypto AES-GCM): the nonce is
   * taken and the sequence number moves on now, so records sealed one after another keep
   * their order whatever order the promises settle in.
   */
  sealAsync(type: number, content: Uint8Array, paddingLength = 0): Promise<Uint8Array> {
    const { nonce, header, inner } = this.prepare(type, content, paddingLength);
    const sealing = this.aead.sealAsync!(nonce, header, inner);
    this.seq.increment();
    return sealing.then((encrypted) => frame(header, encrypted));
  }

  /** The nonce, the record header (the additional data) and the TLSInnerPlaintext of one record. */
  private prepare(type: number, content: Uint8Array, paddingLength: number): { nonce: Uint8Array; header: Uint8Array; inner: Uint8Array } {
    if (!Number.isInteger(paddingLength) || paddingLength < 0) throw new UsageError('RecordSealer.seal: padding length must be a non-negative integer');
    const innerLength = content.length + 1 + paddingLength;
    if (innerLength > MAX_INNER_PLAINTEXT) throw new UsageError(`RecordSealer.seal: content and padding of ${innerLength - 1} bytes exceed 2^14`);
    if (type === ContentType.change_cipher_spec) throw new UsageError('RecordSealer.seal: change_cipher_spec records are never protected');
    const nonce = this.seq.nonce();
    // RFC 8446 §5.2: struct { opaque content[length]; ContentType type; uint8 zeros[length_of_padding]; } TLSInnerPlaintext
    const inner = new Uint8Array(innerLength);
    inner.set(content);
    inner[content.length] = type;
    const length = innerLength + this.aead.tagLength;
    // additional_data = TLSCiphertext.opaque_type || legacy_record_version || length
    const header = new Uint8Array([ContentType.application_data, TLS12 >> 8, TLS12 & 0xff, length >> 8, length & 0xff]);
    return { nonce, header, inner };
  }
}

/** The whole TLSCiphertext: header then encrypted record. */
function frame(header: Uint8Array, encrypted: Uint8Array): Uint8Array {
  const record = new Uint8Array(RECORD_HEADER_LENGTH + encrypted.length);
  record.set(header);
  record.set(encrypted, RECORD_HEADER_LENGTH);
  return record;
}

/** A decrypted record: its real content type and content, padding removed. */
export interface OpenedRecord {
  readonly type: number;
  readonly content: Uint8Array;
}

/**
 * Removes protection from incoming records with one traffic key (RFC 8446 §5.2). Each failure
 * throws a `TlsError` with the alert RFC 8446 names for it.
 */
export class RecordOpener extends RecordProtection {
  /**
   * Decrypt one record.
   * @param maxInnerPlaintext the largest TLSInnerPlaintext accepted: 2^14 + 1, or the
   *   record_size_limit we announced (RFC 8449 §4); larger gives `record_overflow`.
   */
  open(record: RawRecord, maxInnerPlaintext: number = MAX_INNER_PLAINTEXT): OpenedRecord {
    this.check(record, maxInnerPlaintext);
    const inner = this.aead.open(this.seq.nonce(), record.header, record.fragment);
    if (inner === null) throw new TlsError('bad_record_mac', 'tls: record authentication failed');
    this.seq.increment();
    return finishOpen(inner, maxInnerPlaintext);
  }

  /** Whether the AEAD can open asynchronously ({@link openAsync}). */
  get opensAsync(): boolean {
    return this.aead.openAsync !== undefined;
  }

  /**
   * Decrypt one record with the AEAD's asynchronous open: the checks that need no key run now
   * (and throw now), the nonce is taken and the sequence number moves on now; the promise
   * rejects with `bad_record_mac` when the record does not authenticate.
   */
  openAsync(record: RawRecord, maxInnerPlaintext: number = MAX_INNER_PLAINTEXT): Promise<OpenedRecord> {
    this.check(record, maxInnerPlaintext);
    const opening = this.aead.openAsync!(this.seq.nonce(), record.header, record.fragment);
    this.seq.increment();
    return opening.then((inner) => {
      if (inner === null) throw new TlsError('bad_record_mac', 'tls: record authentication failed');
      return finishOpen(inner, maxInnerPlaintext);
    });
  }

  /** What can be refused before decrypting (RFC 8446 §5.2). */
  private check(record: RawRecord, maxInnerPlaintext: number): void {
    // RFC 8446 §5.2: opaque_type is always application_data.
    if (record.type !== ContentType.application_data) {
      throw new TlsError('unexpected_message', `tls: unprotected record of type ${record.type} where a protected record was expected`);
    }
    const { fragment } = record;
    if (fragment.length > MAX_CIPHERTEXT) throw new TlsError('record_overflow', `tls: record length ${fragment.length} exceeds ${MAX_CIPHERTEXT}`);
    // An AEAD never shrinks or grows by anything but the tag, so the plaintext length is
    // known before decryption; refuse oversized records without spending the work.
    const innerLength = fragment.length - this.aead.tagLength;
    if (innerLength > maxInnerPlaintext) {
      throw new TlsError('record_overflow', `tls: protected record of ${innerLength} plaintext bytes exceeds ${maxInnerPlaintext}`);
    }
    // A record too short to hold a tag and a content type cannot authenticate (RFC 8446 §5.2).
    if (innerLength < 1) throw new TlsError('bad_record_mac', 'tls: protected record too short to hold a tag');
  }
}

/** A decrypted TLSInnerPlaintext, checked against the limit and split into type and content. */
function finishOpen(inner: Uint8Array, maxInnerPlaintext: number): OpenedRecord {
  if (inner.length > maxInnerPlaintext) {
    throw new TlsError('record_overflow', `tls: protected record of ${inner.length} plaintext bytes exceeds ${maxInnerPlaintext}`);
  }
  return parseInnerPlaintext(inner);
}

/**
 * Split a decrypted TLSInnerPlaintext into content type and content (RFC 8446 §5.4): the
 * type is the last non-zero byte.
 */
export function parseInnerPlaintext(inner: Uint8Array): OpenedRecord {
  let end = inner.length - 1;
  while (end >= 0 && inner[end] === 0) end--;
  // RFC 8446 §5.4: no non-zero octet in the cleartext -> unexpected_message.
  if (end < 0) throw new TlsError('unexpected_message', 'tls: protected record holds only padding');
  const type = inner[end]!;
  const content = inner.subarray(0, end);
  switch (type) {
    case ContentType.handshake:
    case ContentType.alert:
      // RFC 8446 §5.4: zero-length Handshake and Alert content -> unexpected_message.
      if (content.length === 0) throw new TlsError('unexpected_message', `tls: empty protected ${type === ContentType.alert ? 'alert' : 'handshake'} record`);
      return { type, content };
    case ContentType.application_data:
      return { type, content };
    case ContentType.change_cipher_spec:
      // RFC 8446 §5: a protected change_cipher_spec record -> unexpected_message.
      throw new TlsError('unexpected_message', 'tls: protected change_cipher_spec record');
    default:
      throw new TlsError('unexpected_message', `tls: protected record of unknown content type ${type}`);
  }
}
