/**
 * early_data, RFC 8446 §4.2.10:
 *
 *   struct {} Empty;
 *   struct {
 *     select (Handshake.msg_type) {
 *       case new_session_ticket:   uint32 max_early_data_size;
 *       case client_hello:         Empty;
 *       case encrypted_extensions: Empty;
 *     };
 *   } EarlyDataIndication;
 */
import { checkUint, decodeWhole } from '../internal.ts';
import { decodeEmptyExtension } from './empty.ts';

/** Encode the ClientHello / EncryptedExtensions form (empty). */
export function encodeEarlyDataIndication(): Uint8Array {
  return new Uint8Array(0);
}

/** Decode the ClientHello / EncryptedExtensions form: must be empty (else `decode_error`). */
export function decodeEarlyDataIndication(data: Uint8Array): void {
  decodeEmptyExtension(data, 'early_data');
}

/** Encode the NewSessionTicket form: max_early_data_size. */
export function encodeMaxEarlyDataSize(size: number): Uint8Array {
  checkUint(size, 32, 'early_data max_early_data_size');
  return Uint8Array.of(size >>> 24, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff);
}

/** Decode the NewSessionTicket form: exactly 4 bytes. */
export function decodeMaxEarlyDataSize(data: Uint8Array): number {
  return decodeWhole(data, 'early_data', (r) => r.u32());
}
