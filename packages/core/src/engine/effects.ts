import { toHex } from '../bytes/util.ts';
import { TlsError } from '../errors/tls-error.ts';
import { ContentType } from '../codec/enums.ts';
import { trafficKeys, wipe } from '../crypto/key-schedule.ts';
import type { CipherSuiteParams } from '../crypto/suites.ts';
import type { CipherSuite12 } from '../crypto/suites12.ts';
import type { Aead, AeadAlgorithm, CryptoProvider } from '../crypto/provider.ts';
import type { RecordLayer } from '../record/record-layer.ts';
import type { HandshakeJoiner } from '../record/handshake-joiner.ts';
import type { EngineEvent, HandshakeStep, NegotiatedParameters, SessionTicket } from '../handshake/events.ts';
import type { HandshakeOutbox } from '../handshake/outbox.ts';
import { changeCipherSpecEvent, handshakeMessageEvent } from './message-events.ts';

/** What the effects need from their connection: its record plumbing and its event queue. */
export interface EffectsHost {
  readonly provider: CryptoProvider;
  readonly records: RecordLayer;
  readonly joiner: HandshakeJoiner;
  /** Whether key log lines are wanted (off: no secret is copied out). */
  keylogEnabled(): boolean;
  now(): number;
  queue(event: EngineEvent): void;
  /** Queue a handshake message to go out with the next flush (a flight shares records). */
  queueHandshake(raw: Uint8Array): void;
  /** Send the queued handshake messages under the current write keys. */
  flushHandshake(): void;
  sendRecords(type: number, content: Uint8Array): void;
  /**
   * Keys for one direction were installed: the AEAD (for its record limit) and whether the
   * version can change keys (TLS 1.3's KeyUpdate; TLS 1.2 cannot).
   */
  keysInstalled(direction: 'read' | 'write', aead: AeadAlgorithm, rekeyable: boolean): void;
  /** Send an alert record now (after what is queued). */
  sendAlert(level: number, description: number): void;
  established(parameters: NegotiatedParameters): void;
  /** We sent a KeyUpdate. */
  keyUpdateSent(): void;
  /** RFC 8446 §4.6.3: our KeyUpdate went out and no application data since. */
  keyUpdateAnswerPending(): boolean;
}

/**
 * The engine's side of {@link HandshakeOutbox}: applies the effects a handshake state asks
 * for, in order, to the record layer and the event queue. States never touch either directly.
 */
export class EngineEffects implements HandshakeOutbox {
  constructor(private readonly host: EffectsHost) {}

  sendHandshake(raw: Uint8Array): void {
    this.host.queueHandshake(raw);
    this.host.queue({ channel: 'message', event: handshakeMessageEvent('sent', raw, this.host.now()) });
  }

  sendChangeCipherSpec(): void {
    this.host.flushHandshake();
    this.host.sendRecords(ContentType.change_cipher_spec, new Uint8Array([1]));
    this.host.queue({ channel: 'message', event: changeCipherSpecEvent('sent', this.host.now()) });
  }

  setReadKeys(suite: CipherSuiteParams, secret: Uint8Array): void {
    // RFC 8446 §5.1: handshake messages must not span a key change.
    if (!this.host.joiner.isEmpty) throw new TlsError('unexpected_message', 'handshake data before a key change was not on a record boundary');
    const { aead, iv } = this.keysFor(suite, secret);
    this.host.records.setReadKeys(aead, iv);
    this.host.keysInstalled('read', suite.aead, true);
  }

  setWriteKeys(suite: CipherSuiteParams, secret: Uint8Array): void {
    this.host.flushHandshake(); // what was queued goes out under the old keys
    const { aead, iv } = this.keysFor(suite, secret);
    this.host.records.setWriteKeys(aead, iv);
    this.host.keysInstalled('write', suite.aead, true);
  }

  useTls12(): void {
    this.host.records.useTls12();
  }

  setReadKeys12(suite: CipherSuite12, key: Uint8Array, iv: Uint8Array): void {
    // RFC 5246 §7.1: change_cipher_spec comes between whole handshake messages.
    if (!this.host.joiner.isEmpty) throw new TlsError('unexpected_message', 'change_cipher_spec inside a handshake message');
    this.host.records.setReadKeys12(this.host.provider.createAead(suite.aead, key), iv, suite.nonce);
    wipe(key, iv);
    this.host.keysInstalled('read', suite.aead, false);
  }

  setWriteKeys12(suite: CipherSuite12, key: Uint8Array, iv: Uint8Array): void {
    this.host.flushHandshake();
    this.host.records.setWriteKeys12(this.host.provider.createAead(suite.aead, key), iv, suite.nonce);
    wipe(key, iv);
    this.host.keysInstalled('write', suite.aead, false);
  }

  sendWarningAlert(description: number): void {
    this.host.sendAlert(1, description);
  }

  setPeerRecordSizeLimit(limit: number): void {
    // RFC 8449 §4: in TLS 1.3 the limit counts the inner content type byte.
    this.host.records.setPeerRecordSizeLimit(limit);
  }

  setAcceptCompatibilityCcs(accept: boolean): void {
    this.host.records.acceptCompatibilityCcs = accept;
  }

  step(step: HandshakeStep): void {
    if (step.type === 'established') this.host.established(step.parameters);
    this.host.queue({ channel: 'handshake', event: { ...step, at: this.host.now() } });
  }

  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    if (this.host.keylogEnabled()) this.host.queue({ channel: 'keylog', line: `${label} ${toHex(clientRandom)} ${toHex(secret)}` });
  }

  ticket(ticket: SessionTicket): void {
    this.host.queue({ channel: 'ticket', ticket });
  }

  rejectEarlyData(maxBytes: number): void {
    this.host.records.skipRejectedEarlyData(maxBytes);
  }

  keyUpdated(direction: 'sent' | 'received'): void {
    if (direction === 'sent') this.host.keyUpdateSent();
    this.host.queue({ channel: 'key-update', direction, at: this.host.now() });
  }

  keyUpdateAnswerPending(): boolean {
    return this.host.keyUpdateAnswerPending();
  }

  /** The AEAD and IV of one direction (RFC 8446 §7.3); the key bytes are overwritten once the AEAD holds them. */
  private keysFor(suite: CipherSuiteParams, secret: Uint8Array): { aead: Aead; iv: Uint8Array } {
    const { key, iv } = trafficKeys(this.host.provider, suite, secret);
    const aead = this.host.provider.createAead(suite.aead, key);
    wipe(key); // the AEAD keeps its own copy
    return { aead, iv };
  }
}
