/**
 * Finished, RFC 8446 §4.4.4:
 *
 *   struct { opaque verify_data[Hash.length]; } Finished;
 */
import { TlsError } from '../../errors/tls-error.ts';

/** A decoded Finished. */
export interface Finished {
  verifyData: Uint8Array;
}

/** Encode a Finished body (the verify_data itself). */
export function encodeFinished(f: Finished): Uint8Array {
  return f.verifyData.slice();
}

/**
 * Decode a Finished body whose verify_data must be `hashLength` bytes (the negotiated suite's
 * hash). Another length → `decode_error`; comparing the value is the handshake's job
 * (constant time, `decrypt_error`).
 */
export function decodeFinished(body: Uint8Array, hashLength: number): Finished {
  if (body.length !== hashLength) {
    throw new TlsError('decode_error', `Finished: verify_data of ${body.length} bytes, expected ${hashLength}`);
  }
  return { verifyData: body.slice() };
}
