/**
 * TLS alert codes. RFC 8446 §6 (plus record_size_limit-era and RFC 7301 codes).
 */
export const AlertLevel = {
  warning: 1,
  fatal: 2,
} as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** RFC 8446 §6: `enum { close_notify(0), ... } AlertDescription`. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  /** RFC 5246 §7.2.2: a warning declining renegotiation. */
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertDescriptionName = keyof typeof AlertDescription;
export type AlertDescription = (typeof AlertDescription)[AlertDescriptionName];

const namesByCode = new Map<number, AlertDescriptionName>(
  Object.entries(AlertDescription).map(([name, code]) => [code, name as AlertDescriptionName]),
);

/** The RFC name of an alert code, or `unknown(N)`. */
export function alertName(code: number): string {
  return namesByCode.get(code) ?? `unknown(${code})`;
}
