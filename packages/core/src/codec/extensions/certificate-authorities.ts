/**
 * certificate_authorities, RFC 8446 §4.2.4:
 *
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct { DistinguishedName authorities<3..2^16-1>; } CertificateAuthoritiesExtension;
 *
 * Each name is a DER-encoded X.501 Name, kept opaque here.
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { checkLength, decodeWhole, usage, writeSection } from '../internal.ts';

/** Encode a non-empty list of DER distinguished names. */
export function encodeCertificateAuthorities(names: readonly Uint8Array[]): Uint8Array {
  usage(names.length >= 1, 'certificate_authorities: no names');
  for (const n of names) checkLength(n, 1, 0xffff, 'certificate_authorities name');
  const w = new ByteWriter(256);
  writeSection(w, 2, 'certificate_authorities', (list) => {
    for (const n of names) list.vec16(n);
  });
  return w.finish();
}

/** Decode the list: non-empty, no empty name (else `decode_error`). Names are copies. */
export function decodeCertificateAuthorities(data: Uint8Array): Uint8Array[] {
  return decodeWhole(data, 'certificate_authorities', (r) => {
    const list = r.sub16('certificate_authorities list', 3);
    const out: Uint8Array[] = [];
    while (!list.atEnd) out.push(list.vec16(1));
    return out;
  });
}
