/**
 * EncryptedExtensions, RFC 8446 §4.3.1:
 *
 *   struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from '../extension.ts';
import { decodeWhole } from '../internal.ts';

/** A decoded EncryptedExtensions. */
export interface EncryptedExtensions {
  extensions: Extension[];
}

/** Encode an EncryptedExtensions body. */
export function encodeEncryptedExtensions(ee: EncryptedExtensions): Uint8Array {
  const w = new ByteWriter(64);
  encodeExtensions(w, ee.extensions);
  return w.finish();
}

/** Decode an EncryptedExtensions body. */
export function decodeEncryptedExtensions(body: Uint8Array): EncryptedExtensions {
  return decodeWhole(body, 'EncryptedExtensions', (r) => ({ extensions: decodeExtensions(r) }));
}
