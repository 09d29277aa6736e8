/**
 * CertificateRequest, RFC 8446 §4.3.2:
 *
 *   struct {
 *     opaque certificate_request_context<0..2^8-1>;
 *     Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from '../extension.ts';
import { checkLength, decodeWhole, usage } from '../internal.ts';

/** A decoded CertificateRequest. */
export interface CertificateRequest {
  certificateRequestContext: Uint8Array;
  extensions: Extension[];
}

/** Encode a CertificateRequest body. The extension list may not be empty (signature_algorithms is mandatory). */
export function encodeCertificateRequest(cr: CertificateRequest): Uint8Array {
  checkLength(cr.certificateRequestContext, 0, 0xff, 'CertificateRequest certificate_request_context');
  usage(cr.extensions.length > 0, 'CertificateRequest: extensions must not be empty');
  const w = new ByteWriter(64);
  w.vec8(cr.certificateRequestContext);
  encodeExtensions(w, cr.extensions);
  return w.finish();
}

/**
 * Decode a CertificateRequest body. An empty extension block is a vector-length violation
 * (`decode_error`); whether signature_algorithms is present is the handshake's check
 * (`missing_extension`).
 */
export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  return decodeWhole(body, 'CertificateRequest', (r) => {
    const certificateRequestContext = r.vec8();
    const extensions = decodeExtensions(r, 2);
    return { certificateRequestContext, extensions };
  });
}
