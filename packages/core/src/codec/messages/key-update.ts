/**
 * KeyUpdate, RFC 8446 §4.6.3:
 *
 *   enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 *   struct { KeyUpdateRequest request_update; } KeyUpdate;
 */
import { TlsError } from '../../errors/tls-error.ts';
import { usage } from '../internal.ts';

/** A decoded KeyUpdate. */
export interface KeyUpdate {
  requestUpdate: 0 | 1;
}

/** Encode a KeyUpdate body. */
export function encodeKeyUpdate(ku: KeyUpdate): Uint8Array {
  usage(ku.requestUpdate === 0 || ku.requestUpdate === 1, `KeyUpdate request_update ${String(ku.requestUpdate)}`);
  return Uint8Array.of(ku.requestUpdate);
}

/**
 * Decode a KeyUpdate body: exactly one byte (else `decode_error`), 0 or 1 (else
 * `illegal_parameter`, RFC 8446 §4.6.3).
 */
export function decodeKeyUpdate(body: Uint8Array): KeyUpdate {
  if (body.length !== 1) throw new TlsError('decode_error', `KeyUpdate: ${body.length} bytes, expected 1`);
  const v = body[0]!;
  if (v !== 0 && v !== 1) throw new TlsError('illegal_parameter', `KeyUpdate: request_update ${v}`);
  return { requestUpdate: v };
}
