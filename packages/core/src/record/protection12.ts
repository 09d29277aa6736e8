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
  protected readonly seq: SequenceNumber;
  /** The sequence number alone, as 8 bytes: a SequenceNumber over an all-zero IV. */
  protected readonly seqBytes = new SequenceNumber(new Uint8Array(8));

  /**
   * @param aead the AEAD bound to the write key.
   * @param iv the write IV: 4 bytes (salt) for `explicit`, 12 for `xor`.
   */
  constructor(
    protected readonly aead: Aead,
    iv: Uint8Array,
    protected readonly style: NonceStyle12,
  ) {
    const expected = style === 'explicit' ? 4 : 12;
    if (iv.length !== expected) throw new UsageError(`TLS 1.2 record protection (${style} nonce): iv of ${iv.length} bytes, need ${expected}`);
    // For 'explicit' the SequenceNumber is only used for the 8 bytes of the number: salt + 8 zeros.
    this.seq = new SequenceNumber(style === 'explicit' ? new Uint8Array(12).fill(0) : iv);
    this.salt = style === 'explicit' ? iv.slice() : new Uint8Array(0);
  }

  protected readonly salt: Uint8Array;

  /** The sequence number of the next record. */
  get sequenceNumber(): bigint {
    return this.seq.value;
  }

  /** Overwrite the key material: these keys are not used again. */
  destroy(): void {
    this.aead.destroy?.();
    this.salt.fill(0);
  }

  /** The nonce and the explicit part to send (empty for `xor`) of the current record. */
  protected nonce(): { nonce: Uint8Array; explicit: Uint8Array } {
    if (this.style === 'xor') return { nonce: this.seq.nonce(), explicit: new Uint8Array(0) };
    const explicit = this.seqBytes.nonce();
    const nonce = new Uint8Array(12);
    nonce.set(this.salt);
    nonce.set(explicit, 4);
    return { nonce, explicit };
  }

  /** additional_data of RFC 5246 §6.2.3.3 for the current record. */
  protected additionalData(type: number, length: number): Uint8Array {
    const aad = new Uint8Array(13);
    aad.set(this.seqBytes.nonce());
    aad[8] = type;
    aad[9] = TLS12 >> 8;
    aad[10] = TLS12 & 0xff;
    aad[11] = length >> 8;
    aad[12] = length & 0xff;
    return aad;
  }

  protected advance(): void {
    this.seq.increment();
    this.seqBytes.increment();
  }
}

/** Protects outgoing TLS 1.2 records with one write key. */
export class RecordSealer12 extends RecordProtection12 {
  /** Seal one record of at most 2^14 bytes of content; returns the whole TLSCiphertext record. */
  seal(type: number, content: Uint8Array): Uint8Array {
    if (content.length > MAX_PLAINTEXT) throw new UsageError(`RecordSealer12.seal: ${content.length} bytes exceed 2^14`);
    if (type === ContentType.change_cipher_spec) throw new UsageError('RecordSealer12.seal: change_cipher_spec is sent in the clear');
    const { nonce, explicit } = this.nonce();
    const sealed = this.aead.seal(nonce, this.additionalData(type, content.length), content);
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
    let nonce: Uint8Array;
    if (this.style === 'explicit') {
      // The peer chooses the explicit nonce; we take it as sent (RFC 5288 §3).
      nonce = new Uint8Array(12);
      nonce.set(this.salt);
      nonce.set(fragment.subarray(0, EXPLICIT_NONCE_LENGTH), 4);
    } else {
      nonce = this.seq.nonce();
    }
    const content = this.aead.open(nonce, this.additionalData(record.type, plaintextLength), fragment.subarray(explicitLength));
    if (content === null) throw new TlsError('bad_record_mac', 'tls: record authentication failed');
    this.advance();
    return { type: record.type, content };
  }
}
