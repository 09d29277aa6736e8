/**
 * CertificateVerify, RFC 8446 §4.4.3:
 *
 *   struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { checkLength, checkUint, decodeWhole } from '../internal.ts';

/** A decoded CertificateVerify. */
export interface CertificateVerify {
  algorithm: number;
  signature: Uint8Array;
}

/** Encode a CertificateVerify body. */
export function encodeCertificateVerify(cv: CertificateVerify): Uint8Array {
  checkUint(cv.algorithm, 16, 'CertificateVerify algorithm');
  checkLength(cv.signature, 0, 0xffff, 'CertificateVerify signature');
  return new ByteWriter(4 + cv.signature.length).u16(cv.algorithm).vec16(cv.signature).finish();
}

/** Decode a CertificateVerify body. Whether the algorithm was offered is the handshake's check. */
export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  return decodeWhole(body, 'CertificateVerify', (r) => ({ algorithm: r.u16(), signature: r.vec16() }));
}
