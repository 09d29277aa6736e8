/**
 * Extensions whose `extension_data` is empty: server_name and max_fragment_length echoes in
 * EncryptedExtensions, early_data in ClientHello/EncryptedExtensions, post_handshake_auth,
 * and the like.
 */
import { TlsError } from '../../errors/tls-error.ts';

/** The empty `extension_data`. */
export function encodeEmptyExtension(): Uint8Array {
  return new Uint8Array(0);
}

/** Check that an extension's data is empty (else `decode_error`). */
export function decodeEmptyExtension(data: Uint8Array, what = 'extension'): void {
  if (data.length !== 0) throw new TlsError('decode_error', `${what}: ${data.length} bytes where the extension must be empty`);
}
