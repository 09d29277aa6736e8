import { AlertDescription, alertName, type AlertDescriptionName } from './alert.ts';

/** Who raised the alert: we detected the problem (`local`) or the peer told us (`peer`). */
export type AlertOrigin = 'local' | 'peer';

/**
 * A protocol failure. Every malformed or hostile input ends in one of these; it carries the
 * alert that was (or will be) sent, or the alert the peer sent us.
 */
export class TlsError extends Error {
  override readonly name: string = 'TlsError';
  /** Alert description code (RFC 8446 §6). */
  readonly alert: AlertDescription;
  /** Whether we raised it or the peer did. */
  readonly origin: AlertOrigin;

  constructor(alert: AlertDescription | AlertDescriptionName, message: string, origin: AlertOrigin = 'local', options?: { cause?: unknown }) {
    super(message.startsWith('tls: ') ? message : `tls: ${message}`, options);
    this.alert = typeof alert === 'string' ? AlertDescription[alert] : alert;
    this.origin = origin;
  }

  /** The RFC name of {@link alert}, e.g. `decode_error`. */
  get alertName(): string {
    return alertName(this.alert);
  }
}

/** What part of certificate validation failed. */
export type CertificateFailure =
  | 'parse'
  | 'expired'
  | 'not-yet-valid'
  | 'unknown-ca'
  | 'self-signed'
  | 'bad-signature'
  | 'not-a-ca'
  | 'path-length'
  | 'key-usage'
  | 'extended-key-usage'
  | 'name-constraints'
  | 'hostname-mismatch'
  | 'unsupported'
  | 'empty-chain'
  | 'path-budget'
  | 'weak-key'
  | 'rejected-by-hook';

/** A certificate chain or host name check failed. */
export class CertificateError extends TlsError {
  override readonly name: string = 'CertificateError';
  readonly failure: CertificateFailure;

  constructor(failure: CertificateFailure, alert: AlertDescription | AlertDescriptionName, message: string, options?: { cause?: unknown }) {
    super(alert, message, 'local', options);
    this.failure = failure;
  }
}

/**
 * A caller used the API wrongly (writing before the handshake, bad option value).
 * Untrusted bytes can never cause this error.
 */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  constructor(message: string) {
    super(message.startsWith('rxtls: ') ? message : `rxtls: ${message}`);
  }
}

/** Throw a {@link TlsError} when `condition` is false. The Go crypto/tls shape: condition → alert → reason. */
export function check(condition: boolean, alert: AlertDescriptionName, message: string): asserts condition {
  if (!condition) throw new TlsError(alert, message);
}

/** Shorthand for `new TlsError('decode_error', message)`. */
export function decodeError(message: string): TlsError {
  return new TlsError('decode_error', message);
}
