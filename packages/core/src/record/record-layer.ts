import { ContentType, HandshakeType } from '../codec/enums.ts';
import type { Aead } from '../crypto/provider.ts';
import { TlsError, UsageError } from '../errors/tls-error.ts';
import { concat } from '../bytes/util.ts';
import { RecordDeframer, isKnownContentType, type RawRecord } from './deframer.ts';
import { encodePlaintextRecord, fragment } from './fragmenter.ts';
import { MAX_CHANGE_CIPHER_SPEC_RECORDS, MAX_INNER_PLAINTEXT, MAX_PLAINTEXT, MIN_RECORD_SIZE_LIMIT, TLS13_TAG_LENGTH } from './limits.ts';
import { RecordOpener, RecordSealer, type OpenedRecord } from './protection.ts';
import { RecordOpener12, RecordSealer12, type NonceStyle12 } from './protection12.ts';

/** legacy_record_version of the initial ClientHello record (RFC 8446 §5.1). */
const LEGACY_VERSION_INITIAL = 0x0301;
/** legacy_record_version of every other record (RFC 8446 §5.1). */
const LEGACY_VERSION = 0x0303;

/** A record as the engine sees it: its content type and content (decrypted when keys are set). */
export interface ReadRecord {
  readonly type: number;
  readonly content: Uint8Array;
}

/** A record taken off the wire in pipelined mode, and what it became once opened. */
interface OpenEntry {
  readonly raw: RawRecord;
  settled: boolean;
  /** The record (null: dropped), once settled without error. */
  record: ReadRecord | null;
  error?: unknown;
}

/** A record being sealed in pipelined mode, and the plaintext bytes it carries. */
export interface SealingRecord {
  readonly record: Promise<Uint8Array>;
  readonly size: number;
}

/**
 * The record layer of one connection (RFC 8446 §5): deframing, record protection,
 * fragmentation and the middlebox-compatibility change_cipher_spec rules. It knows nothing
 * of handshake states; the engine tells it when keys change and whether a compatibility CCS
 * may arrive.
 *
 * Incoming: `pushIncoming` then `readRecord` until it returns `null` (the deframer refuses
 * more bytes while a whole record is waiting; see {@link RecordDeframer}). Read errors are
 * sticky.
 */
export class RecordLayer {
  private readonly deframer = new RecordDeframer();
  private opener: RecordOpener | RecordOpener12 | undefined;
  private sealer: RecordSealer | RecordSealer12 | undefined;
  /** TLS 1.2 rules (RFC 5246 §6.2): content types in the clear, a real change_cipher_spec. */
  private tls12 = false;
  private readFailure: TlsError | undefined;
  private wroteAnything = false;
  private maxFragment = MAX_PLAINTEXT;
  private readLimit = MAX_INNER_PLAINTEXT;
  private earlyDataBudget: number | undefined;
  private readCount = 0;
  private writeCount = 0;
  private ccsCount = 0;
  /** Pipelined mode: records taken off the wire, in order, opening or opened. */
  private opens: OpenEntry[] = [];
  /** Records to read again before the deframer's (taken off the wire under a read key since replaced). */
  private replay: RawRecord[] = [];
  private openWaiter: { promise: Promise<void>; resolve: () => void } | undefined;

  /**
   * How many TLS 1.3 records may be decrypted (and sealed) at once when the AEAD is
   * asynchronous (`openAsync`/`sealAsync`, a WebCrypto AES-GCM). 0, the default, keeps every
   * record synchronous; the engine sets it once the handshake is done. Records still come out
   * in sequence-number order.
   */
  pipelineDepth = 0;

  /**
   * Drop an unprotected change_cipher_spec record whose content is exactly `0x01`
   * (RFC 8446 §5, Appendix D.4). The engine sets it from after the first ClientHello until
   * the peer's Finished. While false, any change_cipher_spec record is `unexpected_message`.
   */
  acceptCompatibilityCcs = false;

  /**
   * Take an unprotected alert record even after read keys are set. A server sets it until the
   * client's Finished: a client that failed before it could derive the handshake keys (a bad
   * ServerHello) can only send its alert in plaintext. Any other unprotected record after
   * keys are in place stays `unexpected_message`.
   */
  acceptPlaintextAlerts = false;

  /**
   * Chooses how many zero bytes of padding to add to a protected record carrying
   * `contentLength` bytes (RFC 8446 §5.4). Absent: no padding. The result is clamped so the
   * record stays within {@link maxFragmentLength}.
   */
  paddingPolicy?: (contentLength: number) => number;

  // ------------------------------------------------------------------ incoming

  /** Bytes received from the peer (copied, unless `owned`: the caller never touches them again). */
  pushIncoming(chunk: Uint8Array, owned = false): void {
    if (this.readFailure) throw this.readFailure;
    this.deframer.push(chunk, owned);
  }

  /** Received bytes not yet returned as records (records being opened included). */
  get bufferedBytes(): number {
    let held = this.deframer.bufferedBytes;
    for (const e of this.opens) held += e.raw.fragment.length;
    for (const r of this.replay) held += r.fragment.length;
    return held;
  }

  /** True when the deframer holds nothing (the next bytes pushed start a record). */
  get atRecordBoundary(): boolean {
    return this.deframer.bufferedBytes === 0;
  }

  /** True when no whole record is waiting: `readRecord()` returns `null` and `pushIncoming` is allowed. */
  get needsInput(): boolean {
    return this.deframer.needsInput && this.replay.length === 0;
  }

  /** Pipelined mode: whether `readRecord()` returned null because the next record is still being decrypted (WANT_ASYNC). */
  get awaitingOpen(): boolean {
    return this.opens.length > 0 && !this.opens[0]!.settled;
  }

  /** Resolves when a record being decrypted settles (at once when none is). */
  openSettled(): Promise<void> {
    if (!this.awaitingOpen) return Promise.resolve();
    if (this.openWaiter === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.openWaiter = { promise, resolve };
    }
    return this.openWaiter.promise;
  }

  /**
   * The next record, decrypted once read keys are set, or `null` when more bytes are needed.
   * Compatibility CCS records and skipped early data are consumed silently.
   */
  readRecord(): ReadRecord | null {
    if (this.readFailure) throw this.readFailure;
    try {
      if (this.opens.length > 0 || this.opensAsync) return this.readPipelined();
      for (;;) {
        const raw = this.nextRaw();
        if (raw === null) return null;
        const record = this.accept(raw);
        if (record !== null) return record;
      }
    } catch (e) {
      if (e instanceof TlsError) this.readFailure = e;
      throw e;
    }
  }

  private nextRaw(): RawRecord | null {
    return this.replay.shift() ?? this.deframer.next();
  }

  /** Whether records are opened asynchronously now: TLS 1.3 keys with `openAsync`, pipelining on, no early data to skip. */
  private get opensAsync(): boolean {
    return this.pipelineDepth > 0 && this.opener instanceof RecordOpener && this.opener.opensAsync && this.earlyDataBudget === undefined && !this.acceptPlaintextAlerts;
  }

  /**
   * Pipelined read: the next record in order once it is decrypted, after starting to open as
   * many of the following ones as the depth allows. Null when the front record is still being
   * decrypted (`awaitingOpen`) or no whole record is here. A record's failure is thrown when
   * it reaches the front, after the records before it were delivered.
   */
  private readPipelined(): ReadRecord | null {
    for (;;) {
      const head = this.opens[0];
      if (head?.settled) {
        this.opens.shift();
        if (head.error !== undefined) throw head.error;
        if (head.record === null) continue;
        if (head.raw.type === ContentType.application_data) this.readCount++;
        return head.record;
      }
      this.startOpens();
      if (this.opens.length === 0 || !this.opens[0]!.settled) return null;
    }
  }

  /** Take records off the wire and start opening them, up to the depth. */
  private startOpens(): void {
    while (this.opens.length < this.pipelineDepth && this.opensAsync) {
      const raw = this.nextRaw();
      if (raw === null) return;
      const entry: OpenEntry = { raw, settled: false, record: null };
      this.opens.push(entry);
      try {
        // Anything but a protected record gets the synchronous rules (which refuse it), in its turn.
        if (raw.type !== ContentType.application_data) {
          entry.record = this.accept(raw);
          entry.settled = true;
          continue;
        }
        (this.opener as RecordOpener).openAsync(raw, this.readLimit).then(
          (record) => this.settleOpen(entry, record, undefined),
          (error: unknown) => this.settleOpen(entry, null, error),
        );
      } catch (error) {
        entry.error = error;
        entry.settled = true;
      }
    }
  }

  private settleOpen(entry: OpenEntry, record: ReadRecord | null, error: unknown): void {
    entry.record = record;
    if (error !== undefined) entry.error = error;
    entry.settled = true;
    const waiter = this.openWaiter;
    this.openWaiter = undefined;
    waiter?.resolve();
  }

  /**
   * The read key changed (a KeyUpdate was read): the records already taken off the wire after
   * it were opened with the old key. Read them again, in order, under the new one.
   */
  private reopenUnderNewKey(): void {
    if (this.opens.length === 0) return;
    this.replay = [...this.opens.map((e) => e.raw), ...this.replay];
    this.opens = [];
    const waiter = this.openWaiter;
    this.openWaiter = undefined;
    waiter?.resolve();
  }

  /** One record through the checks; null when it is dropped. */
  private accept(raw: RawRecord): ReadRecord | null {
    if (raw.type === ContentType.change_cipher_spec && this.tls12) {
      // RFC 5246 §7.1: one byte, 1, in the clear (we never renegotiate); the handshake state
      // decides whether it may come now.
      if (this.opener !== undefined || raw.fragment.length !== 1 || raw.fragment[0] !== 0x01) throw new TlsError('unexpected_message', 'tls: unexpected change_cipher_spec record');
      return { type: raw.type, content: raw.fragment };
    }
    if (raw.type === ContentType.change_cipher_spec) {
      // RFC 8446 §5: a CCS of the single byte 0x01 is dropped while allowed; any other
      // value, or one outside that window, is unexpected_message.
      if (this.acceptCompatibilityCcs && raw.fragment.length === 1 && raw.fragment[0] === 0x01) {
        // Appendix D.4: a peer sends one; a stream of them is a flood.
        if (++this.ccsCount > MAX_CHANGE_CIPHER_SPEC_RECORDS) throw new TlsError('unexpected_message', `tls: more than ${MAX_CHANGE_CIPHER_SPEC_RECORDS} change_cipher_spec records`);
        return null;
      }
      throw new TlsError('unexpected_message', 'tls: unexpected change_cipher_spec record');
    }
    if (this.opener !== undefined) return this.acceptProtected(this.opener, raw);
    // RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14.
    if (raw.fragment.length > MAX_PLAINTEXT) throw new TlsError('record_overflow', `tls: plaintext record of ${raw.fragment.length} bytes exceeds 2^14`);
    if (raw.type === ContentType.application_data) {
      // RFC 8446 §4.2.10: after a HelloRetryRequest the server skips the client's early data.
      if (this.skipEarlyData(raw.fragment.length - TLS13_TAG_LENGTH - 1)) return null;
      throw new TlsError('unexpected_message', 'tls: application data before record protection');
    }
    // RFC 8446 §5.1 / §5.4: no zero-length handshake or alert records.
    if (raw.fragment.length === 0) throw new TlsError('unexpected_message', 'tls: zero-length plaintext record');
    this.earlyDataBudget = undefined;
    return { type: raw.type, content: raw.fragment };
  }

  private acceptProtected(opener: RecordOpener | RecordOpener12, raw: RawRecord): ReadRecord | null {
    if (opener instanceof RecordOpener12) return this.acceptProtected12(opener, raw);
    if (raw.type === ContentType.alert && this.acceptPlaintextAlerts) return { type: raw.type, content: raw.fragment };
    if (raw.type !== ContentType.application_data) {
      throw new TlsError('unexpected_message', 'tls: unprotected record after record protection started');
    }
    let opened: OpenedRecord;
    try {
      opened = opener.open(raw, this.readLimit);
    } catch (e) {
      // RFC 8446 §4.2.10: a server that rejected 0-RTT skips records it cannot decrypt.
      if (e instanceof TlsError && e.alertName === 'bad_record_mac' && this.skipEarlyData(raw.fragment.length - opener.tagLength - 1)) return null;
      throw e;
    }
    this.earlyDataBudget = undefined;
    this.readCount++;
    return opened;
  }

  /** RFC 5246 §6.2.3.3: every content type protected, the type in the clear; no empty handshake or alert. */
  private acceptProtected12(opener: RecordOpener12, raw: RawRecord): ReadRecord {
    // RFC 8449 §4: in TLS 1.2 the limit counts the plaintext, at most 2^14.
    const opened = opener.open(raw, Math.min(this.readLimit, MAX_PLAINTEXT));
    if (opened.content.length === 0 && raw.type !== ContentType.application_data) throw new TlsError('unexpected_message', 'tls: zero-length protected record');
    this.readCount++;
    return opened;
  }

  /**
   * Switch to TLS 1.2 record rules (RFC 5246 §6.2) once TLS 1.2 is negotiated: a
   * change_cipher_spec is handed to the engine instead of being dropped for compatibility;
   * protected records keep their content type; the peer's record_size_limit counts plaintext.
   */
  useTls12(): void {
    this.tls12 = true;
    this.acceptCompatibilityCcs = false;
  }

  /** Whether TLS 1.2 record rules apply. */
  get isTls12(): boolean {
    return this.tls12;
  }

  /** Start decrypting with TLS 1.2 keys (RFC 5246 §6.1: after the peer's change_cipher_spec); sequence number 0. */
  setReadKeys12(aead: Aead, iv: Uint8Array, style: NonceStyle12): void {
    if (this.readFailure) throw this.readFailure;
    this.opener?.destroy();
    this.opener = new RecordOpener12(aead, iv, style);
    this.readCount = 0;
  }

  /** Start protecting with TLS 1.2 keys (after our change_cipher_spec); sequence number 0. */
  setWriteKeys12(aead: Aead, iv: Uint8Array, style: NonceStyle12): void {
    this.sealer?.destroy();
    this.sealer = new RecordSealer12(aead, iv, style);
    this.writeCount = 0;
  }

  /** Count `bytes` of skipped early data; false when not skipping. */
  private skipEarlyData(bytes: number): boolean {
    if (this.earlyDataBudget === undefined) return false;
    this.earlyDataBudget -= Math.max(0, bytes);
    // RFC 8446 §4.2.10: more than max_early_data_size -> unexpected_message.
    if (this.earlyDataBudget < 0) throw new TlsError('unexpected_message', 'tls: more early data than max_early_data_size');
    return true;
  }

  /**
   * Skip the client's early data after rejecting it (RFC 8446 §4.2.10): until the next
   * record that decrypts (with read keys) or the next unprotected non-application-data
   * record (without, after a HelloRetryRequest), records that fail to decrypt or are
   * application data are dropped, up to `maxEarlyDataSize` bytes. Their payload is
   * estimated as the record length less a 16-byte tag and the type byte.
   */
  skipRejectedEarlyData(maxEarlyDataSize: number): void {
    if (!Number.isInteger(maxEarlyDataSize) || maxEarlyDataSize < 0) throw new UsageError('skipRejectedEarlyData: max_early_data_size must be a non-negative integer');
    this.earlyDataBudget = maxEarlyDataSize;
  }

  /** Start decrypting incoming records with a new key (RFC 8446 §7.3); the sequence number restarts at 0. */
  setReadKeys(aead: Aead, iv: Uint8Array): void {
    if (this.readFailure) throw this.readFailure;
    this.reopenUnderNewKey();
    this.opener?.destroy();
    this.opener = new RecordOpener(aead, iv);
    this.readCount = 0;
  }

  /** Whether incoming records are decrypted. */
  get readProtected(): boolean {
    return this.opener !== undefined;
  }

  /** Protected records read under the current read key: for the AEAD limits (RFC 8446 §5.5). */
  get recordsReadWithCurrentKey(): number {
    return this.readCount;
  }

  /** The sequence number of the next protected record read, or 0 before read keys are set. */
  get readSequenceNumber(): bigint {
    return this.opener?.sequenceNumber ?? 0n;
  }

  /**
   * The record_size_limit we announced (RFC 8449 §4): the largest TLSInnerPlaintext
   * (content, type byte and padding) we accept in a protected record, 64..2^14 + 1
   * (default 2^14 + 1). A larger record is `record_overflow`.
   */
  get readRecordSizeLimit(): number {
    return this.readLimit;
  }

  set readRecordSizeLimit(limit: number) {
    if (!Number.isInteger(limit) || limit < MIN_RECORD_SIZE_LIMIT || limit > MAX_INNER_PLAINTEXT) {
      throw new UsageError(`readRecordSizeLimit: ${limit} is not in ${MIN_RECORD_SIZE_LIMIT}..2^14+1`);
    }
    this.readLimit = limit;
  }

  // ------------------------------------------------------------------ outgoing

  /** Start protecting outgoing records with a new key (RFC 8446 §7.3); the sequence number restarts at 0. */
  setWriteKeys(aead: Aead, iv: Uint8Array): void {
    this.sealer?.destroy();
    this.sealer = new RecordSealer(aead, iv);
    this.writeCount = 0;
  }

  /** Whether outgoing records are protected. */
  get writeProtected(): boolean {
    return this.sealer !== undefined;
  }

  /** Whether application data is sealed asynchronously now (TLS 1.3 keys with `sealAsync`, pipelining on). */
  get sealsAsync(): boolean {
    return this.pipelineDepth > 0 && this.sealer instanceof RecordSealer && this.sealer.sealsAsync;
  }

  /**
   * Application data as records sealed asynchronously (see {@link sealsAsync}): one promise
   * per record, in sequence-number order, with the plaintext bytes each carries.
   */
  sealApplicationData(content: Uint8Array): SealingRecord[] {
    const sealer = this.sealer;
    if (!(sealer instanceof RecordSealer) || !sealer.sealsAsync) throw new UsageError('sealApplicationData: no asynchronous TLS 1.3 write keys');
    const out: SealingRecord[] = [];
    for (const piece of fragment(content, this.maxFragment)) {
      out.push({ record: sealer.sealAsync(ContentType.application_data, piece, this.paddingFor(piece.length)), size: piece.length });
      this.writeCount++;
    }
    this.wroteAnything = true;
    return out;
  }

  /** Protected records written under the current write key: for the AEAD limits (RFC 8446 §5.5). */
  get recordsWrittenWithCurrentKey(): number {
    return this.writeCount;
  }

  /** The sequence number of the next protected record written, or 0 before write keys are set. */
  get writeSequenceNumber(): bigint {
    return this.sealer?.sequenceNumber ?? 0n;
  }

  /**
   * The most content bytes per outgoing record, 1..2^14 (default 2^14). A peer's
   * record_size_limit (RFC 8449 §4) sets it to `limit - 1` in TLS 1.3, because the limit
   * counts the inner content type byte; padding is clamped to stay within it too.
   */
  get maxFragmentLength(): number {
    return this.maxFragment;
  }

  set maxFragmentLength(length: number) {
    if (!Number.isInteger(length) || length < 1 || length > MAX_PLAINTEXT) throw new UsageError(`maxFragmentLength: ${length} is not in 1..2^14`);
    this.maxFragment = length;
  }

  /**
   * Apply the peer's record_size_limit extension value (RFC 8449 §4): at least 64 (smaller
   * is `illegal_parameter`); values above 2^14 + 1 are taken as 2^14 + 1.
   */
  setPeerRecordSizeLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < MIN_RECORD_SIZE_LIMIT) throw new TlsError('illegal_parameter', `tls: record_size_limit ${limit} is below ${MIN_RECORD_SIZE_LIMIT}`);
    // TLS 1.2 counts plaintext (at most 2^14); TLS 1.3 the inner plaintext, type byte included.
    this.maxFragmentLength = this.tls12 ? Math.min(limit, MAX_PLAINTEXT) : Math.min(limit, MAX_INNER_PLAINTEXT) - 1;
  }

  /**
   * Encode `content` as records ready to send: fragmented to {@link maxFragmentLength} and
   * protected once write keys are set. change_cipher_spec is never protected (RFC 8446 §5).
   * The initial ClientHello record carries legacy_record_version 0x0301, every other record
   * 0x0303 (RFC 8446 §5.1). Empty content gives one empty record for application data
   * (allowed by RFC 8446 §5.1 as a traffic-analysis countermeasure) and is a
   * {@link UsageError} for the other types.
   */
  encodeRecords(type: number, content: Uint8Array): Uint8Array {
    if (!isKnownContentType(type)) throw new UsageError(`encodeRecords: unknown content type ${type}`);
    let pieces = fragment(content, this.maxFragment);
    if (pieces.length === 0) {
      if (type !== ContentType.application_data) throw new UsageError('encodeRecords: empty handshake, alert or change_cipher_spec content');
      pieces = [content];
    }
    const records: Uint8Array[] = [];
    const sealer = type === ContentType.change_cipher_spec ? undefined : this.sealer;
    if (sealer === undefined) {
      if (type === ContentType.application_data) throw new UsageError('encodeRecords: application data before write keys are set');
      const version =
        !this.wroteAnything && type === ContentType.handshake && content[0] === HandshakeType.client_hello ? LEGACY_VERSION_INITIAL : LEGACY_VERSION;
      for (const piece of pieces) records.push(encodePlaintextRecord(type, version, piece));
    } else {
      for (const piece of pieces) {
        records.push(sealer instanceof RecordSealer12 ? sealer.seal(type, piece) : sealer.seal(type, piece, this.paddingFor(piece.length)));
        this.writeCount++;
      }
    }
    this.wroteAnything = true;
    return records.length === 1 ? records[0]! : concat(...records);
  }

  private paddingFor(contentLength: number): number {
    if (this.paddingPolicy === undefined) return 0;
    const wanted = this.paddingPolicy(contentLength);
    if (!Number.isInteger(wanted) || wanted < 0) throw new UsageError('paddingPolicy: padding must be a non-negative integer');
    return Math.min(wanted, this.maxFragment - contentLength);
  }
}
