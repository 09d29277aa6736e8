/**
 * Certificate, RFC 8446 §4.4.2 (X.509 certificate type only):
 *
 *   struct {
 *     select (certificate_type) {
 *       case RawPublicKey: opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
 *       case X509:         opaque cert_data<1..2^24-1>;
 *     };
 *     Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 *
 *   struct {
 *     opaque certificate_request_context<0..2^8-1>;
 *     CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from '../extension.ts';
import { checkLength, decodeWhole, writeSection } from '../internal.ts';

/** One certificate (DER bytes, a copy) and its per-certificate extensions. */
export interface CertificateEntry {
  certData: Uint8Array;
  extensions: Extension[];
}

/** A decoded Certificate message. An empty `certificateList` is legal on the wire (a client with no certificate). */
export interface Certificate {
  certificateRequestContext: Uint8Array;
  certificateList: CertificateEntry[];
}

/** Encode a Certificate body. */
export function encodeCertificate(c: Certificate): Uint8Array {
  checkLength(c.certificateRequestContext, 0, 0xff, 'Certificate certificate_request_context');
  for (const e of c.certificateList) checkLength(e.certData, 1, 0xffffff, 'Certificate cert_data');
  const w = new ByteWriter(2048);
  w.vec8(c.certificateRequestContext);
  writeSection(w, 3, 'Certificate certificate_list', (list) => {
    for (const e of c.certificateList) {
      list.vec24(e.certData);
      encodeExtensions(list, e.extensions);
    }
  });
  return w.finish();
}

/** Decode a Certificate body. An empty cert_data → `decode_error`. */
export function decodeCertificate(body: Uint8Array): Certificate {
  return decodeWhole(body, 'Certificate', (r) => {
    const certificateRequestContext = r.vec8();
    const list = r.sub24('Certificate certificate_list');
    const certificateList: CertificateEntry[] = [];
    while (!list.atEnd) {
      const certData = list.vec24(1);
      const extensions = decodeExtensions(list);
      certificateList.push({ certData, extensions });
    }
    return { certificateRequestContext, certificateList };
  });
}
