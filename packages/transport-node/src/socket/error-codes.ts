import { CertificateError, HandshakeTimeoutError, TlsError, TransportError, type CertificateFailure } from '@rxtls/core';

/**
 * node:tls's codes for rxtls's typed errors, so that code written for node:tls — which
 * branches on `err.code` — keeps matching. The error keeps its class, alert and message; only
 * `code` is set. The table is in docs/error-codes.md.
 */

/** What Node puts in `code` (and `authorizationError`) for a failed verification: OpenSSL's X509_V_ERR names without the prefix, Node's own for the host name. */
const CERTIFICATE_CODES: Readonly<Record<CertificateFailure, string>> = {
  expired: 'CERT_HAS_EXPIRED',
  'not-yet-valid': 'CERT_NOT_YET_VALID',
  'self-signed': 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'unknown-ca': 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'bad-signature': 'CERT_SIGNATURE_FAILURE',
  'not-a-ca': 'INVALID_CA',
  'path-length': 'PATH_LENGTH_EXCEEDED',
  'key-usage': 'INVALID_PURPOSE',
  'extended-key-usage': 'INVALID_PURPOSE',
  'name-constraints': 'PERMITTED_SUBTREE_VIOLATION',
  'weak-key': 'EE_KEY_TOO_SMALL',
  'hostname-mismatch': 'ERR_TLS_CERT_ALTNAME_INVALID',
  parse: 'CERT_REJECTED',
  unsupported: 'CERT_REJECTED',
  'empty-chain': 'CERT_REJECTED',
  'path-budget': 'CERT_REJECTED',
  'rejected-by-hook': 'CERT_REJECTED',
};

/**
 * OpenSSL's reason for an alert *received* from the peer (SSL_R_SSLV3_ALERT_*, SSL_R_TLSV1_*,
 * SSL_R_TLSV13_*), which Node turns into `ERR_SSL_<reason>`. Keyed by alert number (RFC 8446 §6).
 */
const RECEIVED_ALERT_REASONS: Readonly<Record<number, string>> = {
  10: 'SSLV3_ALERT_UNEXPECTED_MESSAGE',
  20: 'SSLV3_ALERT_BAD_RECORD_MAC',
  21: 'TLSV1_ALERT_DECRYPTION_FAILED',
  22: 'TLSV1_ALERT_RECORD_OVERFLOW',
  30: 'SSLV3_ALERT_DECOMPRESSION_FAILURE',
  40: 'SSLV3_ALERT_HANDSHAKE_FAILURE',
  41: 'SSLV3_ALERT_NO_CERTIFICATE',
  42: 'SSLV3_ALERT_BAD_CERTIFICATE',
  43: 'SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  44: 'SSLV3_ALERT_CERTIFICATE_REVOKED',
  45: 'SSLV3_ALERT_CERTIFICATE_EXPIRED',
  46: 'SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  47: 'SSLV3_ALERT_ILLEGAL_PARAMETER',
  48: 'TLSV1_ALERT_UNKNOWN_CA',
  49: 'TLSV1_ALERT_ACCESS_DENIED',
  50: 'TLSV1_ALERT_DECODE_ERROR',
  51: 'TLSV1_ALERT_DECRYPT_ERROR',
  60: 'TLSV1_ALERT_EXPORT_RESTRICTION',
  70: 'TLSV1_ALERT_PROTOCOL_VERSION',
  71: 'TLSV1_ALERT_INSUFFICIENT_SECURITY',
  80: 'TLSV1_ALERT_INTERNAL_ERROR',
  86: 'TLSV1_ALERT_INAPPROPRIATE_FALLBACK',
  90: 'TLSV1_ALERT_USER_CANCELLED',
  100: 'TLSV1_ALERT_NO_RENEGOTIATION',
  109: 'TLSV13_ALERT_MISSING_EXTENSION',
  110: 'TLSV1_UNSUPPORTED_EXTENSION',
  111: 'TLSV1_CERTIFICATE_UNOBTAINABLE',
  112: 'TLSV1_UNRECOGNIZED_NAME',
  113: 'TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE',
  114: 'TLSV1_BAD_CERTIFICATE_HASH_VALUE',
  115: 'TLSV1_ALERT_UNKNOWN_PSK_IDENTITY',
  116: 'TLSV13_ALERT_CERTIFICATE_REQUIRED',
  120: 'TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
};

/**
 * For a failure rxtls detected itself (the alert it sent), the OpenSSL reason OpenSSL gives the
 * same failure where there is one; otherwise (decode_error, illegal_parameter, ...: OpenSSL has a
 * reason per message and field) `ERR_SSL_<ALERT NAME>`.
 */
const LOCAL_ALERT_REASONS: Readonly<Record<number, string>> = {
  10: 'UNEXPECTED_MESSAGE',
  20: 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
  22: 'PACKET_LENGTH_TOO_LONG',
  40: 'NO_SHARED_CIPHER',
  42: 'CERTIFICATE_VERIFY_FAILED',
  46: 'CERTIFICATE_VERIFY_FAILED',
  48: 'CERTIFICATE_VERIFY_FAILED',
  51: 'BAD_SIGNATURE',
  70: 'UNSUPPORTED_PROTOCOL',
  80: 'INTERNAL_ERROR',
  86: 'INAPPROPRIATE_FALLBACK',
  116: 'PEER_DID_NOT_RETURN_A_CERTIFICATE',
  120: 'NO_APPLICATION_PROTOCOL',
};

/** The code node:tls gives `error`'s failure, or undefined when it names none (a UsageError, a plain Error). */
export function nodeErrorCode(error: unknown): string | undefined {
  if (error instanceof CertificateError) return CERTIFICATE_CODES[error.failure];
  if (error instanceof TlsError) {
    const reason = error.origin === 'peer' ? RECEIVED_ALERT_REASONS[error.alert] : LOCAL_ALERT_REASONS[error.alert];
    return `ERR_SSL_${reason ?? error.alertName.toUpperCase()}`;
  }
  if (error instanceof HandshakeTimeoutError) return 'ERR_TLS_HANDSHAKE_TIMEOUT';
  if (error instanceof TransportError) {
    // The system's code where there is one (ECONNRESET, EPIPE, ECONNREFUSED, ...); a peer that
    // went away without a word is ECONNRESET for node:tls too ("socket disconnected").
    return error.code ?? (error.kind === 'eof' ? 'ECONNRESET' : undefined);
  }
  return undefined;
}

/** `error` with node:tls's `code` set (see {@link nodeErrorCode}); the same object, returned for chaining. */
export function withNodeCode<E>(error: E): E {
  const code = nodeErrorCode(error);
  if (code !== undefined && typeof error === 'object' && error !== null && (error as { code?: unknown }).code !== code) {
    Object.defineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
  }
  return error;
}

/** What `authorizationError` says for a failed verification (Node's codes), or the message of anything else. */
export function authorizationCode(error: Error): string {
  return nodeErrorCode(error) ?? error.message;
}
