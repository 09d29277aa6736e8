import { TlsError } from '../errors/tls-error.ts';
import { HandshakeType } from '../codec/enums.ts';
import {
  MAX_CONSECUTIVE_EMPTY_RECORDS,
  MAX_CONSECUTIVE_WARNING_ALERTS,
  MAX_KEY_UPDATES_WITHOUT_DATA,
  MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA,
} from '../record/limits.ts';

/**
 * Caps on input that costs us work and advances nothing (OpenSSL's and rustls's flood rules):
 * empty records, warning alerts, and post-handshake messages in a row. Each count starts
 * over when the peer makes progress (application data with content; a handshake message
 * during the handshake). Crossing a cap ends the connection with `unexpected_message`.
 * Compatibility change_cipher_spec records are counted by the record layer, which drops them.
 */
export class FloodGuard {
  private emptyRecords = 0;
  private warningAlerts = 0;
  private keyUpdates = 0;
  private postHandshakeMessages = 0;

  /** An application data record of `length` content bytes arrived. */
  applicationData(length: number): void {
    if (length > 0) {
      this.progress();
      this.keyUpdates = 0;
      this.postHandshakeMessages = 0;
      return;
    }
    // RFC 8446 §5.4 allows empty application data records, not a stream of them.
    if (++this.emptyRecords > MAX_CONSECUTIVE_EMPTY_RECORDS) throw new TlsError('unexpected_message', `tls: more than ${MAX_CONSECUTIVE_EMPTY_RECORDS} empty records in a row`);
  }

  /** A handshake message of the handshake itself arrived (progress). */
  handshakeMessage(): void {
    this.progress();
  }

  /** A warning-level alert that does not end the connection (user_canceled) arrived. */
  warningAlert(): void {
    if (++this.warningAlerts > MAX_CONSECUTIVE_WARNING_ALERTS) throw new TlsError('unexpected_message', `tls: more than ${MAX_CONSECUTIVE_WARNING_ALERTS} warning alerts in a row`);
  }

  /** A post-handshake message (RFC 8446 §4.6) arrived. */
  postHandshakeMessage(type: number): void {
    this.emptyRecords = 0;
    if (type === HandshakeType.key_update && ++this.keyUpdates > MAX_KEY_UPDATES_WITHOUT_DATA) {
      throw new TlsError('unexpected_message', `tls: more than ${MAX_KEY_UPDATES_WITHOUT_DATA} KeyUpdate messages without application data`);
    }
    if (++this.postHandshakeMessages > MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA) {
      throw new TlsError('unexpected_message', `tls: more than ${MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA} post-handshake messages without application data`);
    }
  }

  private progress(): void {
    this.emptyRecords = 0;
    this.warningAlerts = 0;
  }
}
