/**
 * oid_filters, RFC 8446 §4.2.5 (CertificateRequest only):
 *
 *   struct {
 *     opaque certificate_extension_oid<1..2^8-1>;
 *     opaque certificate_extension_values<0..2^16-1>;
 *   } OIDFilter;
 *   struct { OIDFilter filters<0..2^16-1>; } OIDFilterExtension;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { checkLength, decodeWhole, writeSection } from '../internal.ts';

/** One filter: a DER OID (content bytes as on the wire) and the DER extension values it requires. */
export interface OidFilter {
  certificateExtensionOid: Uint8Array;
  certificateExtensionValues: Uint8Array;
}

/** Encode an OIDFilterExtension (the list may be empty). */
export function encodeOidFilters(filters: readonly OidFilter[]): Uint8Array {
  const w = new ByteWriter(64);
  writeSection(w, 2, 'oid_filters', (list) => {
    for (const f of filters) {
      checkLength(f.certificateExtensionOid, 1, 0xff, 'oid_filters certificate_extension_oid');
      checkLength(f.certificateExtensionValues, 0, 0xffff, 'oid_filters certificate_extension_values');
      list.vec8(f.certificateExtensionOid).vec16(f.certificateExtensionValues);
    }
  });
  return w.finish();
}

/** Decode an OIDFilterExtension. An empty OID → `decode_error`. */
export function decodeOidFilters(data: Uint8Array): OidFilter[] {
  return decodeWhole(data, 'oid_filters', (r) => {
    const list = r.sub16('oid_filters list');
    const out: OidFilter[] = [];
    while (!list.atEnd) out.push({ certificateExtensionOid: list.vec8(1), certificateExtensionValues: list.vec16() });
    return out;
  });
}
