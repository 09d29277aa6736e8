/**
 * psk_key_exchange_modes, RFC 8446 §4.2.9:
 *
 *   enum { psk_ke(0), psk_dhe_ke(1), (255) } PskKeyExchangeMode;
 *   struct { PskKeyExchangeMode ke_modes<1..255>; } PskKeyExchangeModes;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { checkUint, decodeWhole, usage } from '../internal.ts';

/** Encode PskKeyExchangeModes (1..255 modes). */
export function encodePskKeyExchangeModes(modes: readonly number[]): Uint8Array {
  usage(modes.length >= 1 && modes.length <= 0xff, 'psk_key_exchange_modes: 1..255 modes');
  for (const m of modes) checkUint(m, 8, 'psk_key_exchange_modes mode');
  return new ByteWriter(modes.length + 1).vec8(Uint8Array.from(modes)).finish();
}

/** Decode PskKeyExchangeModes: non-empty (else `decode_error`). Unknown modes are kept for the caller to ignore. */
export function decodePskKeyExchangeModes(data: Uint8Array): number[] {
  return decodeWhole(data, 'psk_key_exchange_modes', (r) => Array.from(r.vec8(1)));
}
