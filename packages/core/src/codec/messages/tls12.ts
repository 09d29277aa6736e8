/**
 * The TLS 1.2 forms of messages TLS 1.3 changed (RFC 5246 §7.4.2, §7.4.4; RFC 5077 §3.3):
 *
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 *
 *   struct {
 *     ClientCertificateType certificate_types<1..2^8-1>;
 *     SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *     DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 *
 *   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { checkLength, checkUint, decodeWhole, readU16List, writeSection, writeU16List, usage } from '../internal.ts';

/** ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5): the two we ask for. */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** Encode a TLS 1.2 Certificate body: DER certificates, leaf first. */
export function encodeCertificate12(certificates: readonly Uint8Array[]): Uint8Array {
  for (const c of certificates) checkLength(c, 1, 0xffffff, 'Certificate ASN.1Cert');
  const w = new ByteWriter(2048);
  writeSection(w, 3, 'Certificate certificate_list', (list) => {
    for (const c of certificates) list.vec24(c);
  });
  return w.finish();
}

/** Decode a TLS 1.2 Certificate body; an empty certificate is `decode_error`. Copies. */
export function decodeCertificate12(body: Uint8Array): Uint8Array[] {
  return decodeWhole(body, 'Certificate', (r) => {
    const list = r.sub24('Certificate certificate_list');
    const out: Uint8Array[] = [];
    while (!list.atEnd) out.push(list.vec24(1).slice());
    return out;
  });
}

/** A decoded TLS 1.2 CertificateRequest. */
export interface CertificateRequest12 {
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  /** DER DistinguishedNames, as sent. */
  readonly certificateAuthorities: readonly Uint8Array[];
}

/** Encode a TLS 1.2 CertificateRequest body. */
export function encodeCertificateRequest12(cr: CertificateRequest12): Uint8Array {
  usage(cr.certificateTypes.length >= 1 && cr.certificateTypes.length <= 0xff, 'CertificateRequest certificate_types: 1..255 entries');
  for (const t of cr.certificateTypes) checkUint(t, 8, 'CertificateRequest certificate type');
  const w = new ByteWriter(128);
  w.vec8(Uint8Array.from(cr.certificateTypes));
  w.bytes(writeU16List(cr.signatureAlgorithms, 'CertificateRequest supported_signature_algorithms', 1));
  writeSection(w, 2, 'CertificateRequest certificate_authorities', (list) => {
    for (const dn of cr.certificateAuthorities) list.vec16(dn);
  });
  return w.finish();
}

/** Decode a TLS 1.2 CertificateRequest body; empty type or algorithm lists are `decode_error`. */
export function decodeCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  return decodeWhole(body, 'CertificateRequest', (r) => {
    const certificateTypes = [...r.vec8(1)];
    const signatureAlgorithms = readU16List(r, 'CertificateRequest supported_signature_algorithms', 1);
    const list = r.sub16('CertificateRequest certificate_authorities');
    const certificateAuthorities: Uint8Array[] = [];
    while (!list.atEnd) certificateAuthorities.push(list.vec16(1).slice());
    return { certificateTypes, signatureAlgorithms, certificateAuthorities };
  });
}

/** A decoded TLS 1.2 NewSessionTicket (RFC 5077 §3.3). */
export interface NewSessionTicket12 {
  /** Seconds; 0 means "unspecified". */
  readonly lifetimeHint: number;
  readonly ticket: Uint8Array;
}

/** Encode a TLS 1.2 NewSessionTicket body. */
export function encodeNewSessionTicket12(nst: NewSessionTicket12): Uint8Array {
  checkUint(nst.lifetimeHint, 32, 'NewSessionTicket ticket_lifetime_hint');
  checkLength(nst.ticket, 0, 0xffff, 'NewSessionTicket ticket');
  return new ByteWriter(6 + nst.ticket.length).u32(nst.lifetimeHint).vec16(nst.ticket).finish();
}

/** Decode a TLS 1.2 NewSessionTicket body (copies the ticket). */
export function decodeNewSessionTicket12(body: Uint8Array): NewSessionTicket12 {
  return decodeWhole(body, 'NewSessionTicket', (r) => ({ lifetimeHint: r.u32(), ticket: r.vec16().slice() }));
}
