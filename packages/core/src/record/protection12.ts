/**
 * TLS 1.2 record protection for the AEAD suites rxtls offers in 1.2 (RFC 5246 §6.2.3.3):
 *
 * - AES-GCM (RFC 5288 §3): nonce = salt (the 4-byte write IV) + explicit nonce (8 bytes, sent
 *   at the front of each record); we use the sequence number as the explicit nonce, so it
 *   never repeats under a key.
 * - ChaCha20-Poly1305 (RFC 7905 §2): nonce = the 12-byte write IV XOR the padded sequence
 *   number, as in TLS 1.3; nothing explicit on the wire.
 *
 * additional_data = seq_num (8) + type (1) + version (2) + plaintext length (2). Unlike TLS 1.3
 * the content type travels in the clear and there is no padding.
 */
import { ContentType } from '../codec/enums.ts';
import type { Aead } from '../crypto/provider.ts';
import type { NonceStyle12 } from '../crypto/suites12.ts';
import { TlsError, UsageError } from '../errors/tls-error.ts';
import type { RawRecord } from './deframer.ts';
import { MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './limits.ts';
import { SequenceNumber } from './nonce.ts';

export type { NonceStyle12 };

/** legacy_record_version / ProtocolVersion of TLS 1.2 records. */
const TLS12 = 0x0303;
/** Bytes of the explicit nonce of the AES-GCM suites (RFC 5288 §3). */
export const EXPLICIT_NONCE_LENGTH = 8;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_CIPHERTEXT_12 = 2 ** 14 + 2048;

abstract class RecordProtection12 {
  /** The sequence number; over an all-zero 8-byte IV its nonce() is the number itself, 8 bytes. */
  private readonly seq: SequenceNumber;
  /** The 4-byte salt (`explicit`) or the 12-byte IV (`xor`). */
  protected readonly iv: Uint8Array;

  /**
   * @param aead the AEAD bound to the write key.
   * @param iv the write IV: 4 bytes (salt) for `explicit`, 12 for `xor`; copied.
   * @param sequenceNumber the first sequence number: 0 for fresh keys (RFC 5246 §6.1).
   */
  constructor(
    protected readonly aead: Aead,
    iv: Uint8Array,
    protected readonly style: NonceStyle12,
    sequenceNumber = 0n,
  ) {
    this.seq = new SequenceNumber(new Uint8Array(8), sequenceNumber);
    const expected = style === 'explicit' ? 4 : 12;
    if (iv.length !== expected) throw new UsageError(`TLS 1.2 record protection (${style} nonce): iv of ${iv.length} bytes, need ${expected}`);
    this.iv = iv.slice();
  }

  /** The sequence number of the next record. */
  get sequenceNumber(): bigint {
    return this.seq.value;
  }

  /** Overwrite the key material: these keys are not used again. */
  destroy(): void {
    this.aead.destroy?.();
    this.iv.fill(0);
  }

  /** The current sequence number as 8 bytes (explicit nonce, additional data). */
  protected sequenceBytes(): Uint8Array {
    return this.seq.nonce();
  }

  /**
   * The 12-byte nonce of the current record: salt + explicit part (`explicit`, where the
   * explicit part is the peer's choice when opening), or IV XOR the padded number (`xor`).
   */
  protected nonceWith(explicit: Uint8Array): Uint8Array {
    const nonce = new Uint8Array(12);
    if (this.style === 'explicit') {
      nonce.set(this.iv);
      nonce.set(explicit, 4);
      return nonce;
    }
    nonce.set(this.iv);
    for (let i = 0; i < 8; i++) nonce[4 + i] = nonce[4 + i]! ^ explicit[i]!;
    return nonce;
  }

  /** additional_data of RFC 5246 §6.2.3.3 for the current record. */
  protected additionalData(type: number, length: number): Uint8Array {
    const aad = new Uint8Array(13);
    aad.set(this.sequenceBytes());
    aad[8] = type;
    aad[9] = TLS12 >> 8;
    aad[10] = TLS12 & 0xff;
    aad[11] = length >> 8;
    aad[12] = length & 0xff;
    return aad;
  }

  protected advance(): void {
    this.seq.increment();
  }
}

/** Protects outgoing TLS 1.2 records with one write key. */
export class RecordSealer12 extends RecordProtection12 {
  /** Seal one record of at most 2^14 bytes of content; returns the whole TLSCiphertext record. */
  seal(type: number, content: Uint8Array): Uint8Array {
    if (content.length > MAX_PLAINTEXT) throw new UsageError(`RecordSealer12.seal: ${content.length} bytes exceed 2^14`);
    if (type === ContentType.change_cipher_spec) throw new UsageError('RecordSealer12.seal: change_cipher_spec is sent in the clear');
    const seq = this.sequenceBytes();
    // AES-GCM sends the sequence number as its explicit nonce; ChaCha20 sends nothing.
    const explicit = this.style === 'explicit' ? seq : new Uint8Array(0);
    const sealed = this.aead.seal(this.nonceWith(seq), this.additionalData(type, content.length), content);
    this.advance();
    const length = explicit.length + sealed.length;
    const record = new Uint8Array(RECORD_HEADER_LENGTH + length);
    record.set([type, TLS12 >> 8, TLS12 & 0xff, length >> 8, length & 0xff]);
    record.set(explicit, RECORD_HEADER_LENGTH);
    record.set(sealed, RECORD_HEADER_LENGTH + explicit.length);
    return record;
  }
}

/** A decrypted TLS 1.2 record. */
export interface OpenedRecord12 {
  readonly type: number;
  readonly content: Uint8Array;
}

/** Removes protection from incoming TLS 1.2 records with one read key; failures are `TlsError`s. */
export class RecordOpener12 extends RecordProtection12 {
  /**
   * Decrypt one record. `maxPlaintext`: 2^14, or our record_size_limit (RFC 8449 §4, which in
   * TLS 1.2 counts the plaintext only); larger is `record_overflow`.
   */
  open(record: RawRecord, maxPlaintext: number = MAX_PLAINTEXT): OpenedRecord12 {
    const { fragment } = record;
    if (fragment.length > MAX_CIPHERTEXT_12) throw new TlsError('record_overflow', `tls: record length ${fragment.length} exceeds 2^14 + 2048`);
    const explicitLength = this.style === 'explicit' ? EXPLICIT_NONCE_LENGTH : 0;
    const plaintextLength = fragment.length - explicitLength - this.aead.tagLength;
    // Too short to hold the explicit nonce and a tag: it cannot authenticate.
    if (plaintextLength < 0) throw new TlsError('bad_record_mac', 'tls: protected record too short');
    if (plaintextLength > maxPlaintext) throw new TlsError('record_overflow', `tls: protected record of ${plaintextLength} plaintext bytes exceeds ${maxPlaintext}`);
    // The peer chooses the explicit nonce; we take it as sent (RFC 5288 §3).
    const nonce = this.nonceWith(this.style === 'explicit' ? fragment.subarray(0, EXPLICIT_NONCE_LENGTH) : this.sequenceBytes());
    const content = this.aead.open(nonce, this.additionalData(record.type, plaintextLength), fragment.subarray(explicitLength));
    if (content === null) throw new TlsError('bad_record_mac', 'tls: record authentication failed');
    this.advance();
    return { type: record.type, content };
  }
}
