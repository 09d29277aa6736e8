/**
 * The alert protocol's message, RFC 8446 §6:
 *
 *   struct { AlertLevel level; AlertDescription description; } Alert;
 */
import { TlsError } from '../errors/tls-error.ts';
import { checkUint } from './internal.ts';

/** The 2-byte alert message. Any level and description are encoded as given. */
export function encodeAlert(level: number, description: number): Uint8Array {
  checkUint(level, 8, 'alert level');
  checkUint(description, 8, 'alert description');
  return Uint8Array.of(level, description);
}

/**
 * Decode one alert from an alert record's fragment: exactly 2 bytes, else `decode_error`
 * (RFC 8446 §5.1 forbids fragmenting alerts and sending several in one record). The level is
 * not judged here: RFC 8446 §6 treats every alert but close_notify and user_canceled as fatal
 * whatever its level.
 */
export function decodeAlert(fragment: Uint8Array): { level: number; description: number } {
  if (fragment.length !== 2) throw new TlsError('decode_error', `alert: ${fragment.length} bytes, expected 2`);
  return { level: fragment[0]!, description: fragment[1]! };
}
