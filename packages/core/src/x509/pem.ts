/**
 * PEM (RFC 7468) and DER certificate input.
 */
import { CertificateError } from '../errors/index.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';

function parseError(message: string): CertificateError {
  return new CertificateError('parse', 'bad_certificate', message);
}

/**
 * Every PEM block with `label` (default `CERTIFICATE`) in `text`, decoded to DER, in order.
 * Text outside the blocks (comments, `openssl x509 -text` output) is ignored, as RFC 7468 §2
 * allows. Throws `CertificateError('parse')` when a block's body is not valid base64 or a
 * block is not closed.
 */
export function decodePem(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const out: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const start = text.indexOf(begin, at);
    if (start < 0) break;
    const bodyStart = start + begin.length;
    const stop = text.indexOf(end, bodyStart);
    if (stop < 0) throw parseError(`tls: PEM block "${label}" is not closed`);
    const der = decodeBase64(text.slice(bodyStart, stop));
    if (der === undefined || der.length === 0) throw parseError(`tls: PEM block "${label}" has a malformed base64 body`);
    out.push(der);
    at = stop + end.length;
  }
  return out;
}

/** `der` as one PEM block with `label`, base64 lines of 64 characters (RFC 7468 §2). */
export function encodePem(der: Uint8Array, label: string): string {
  const b64 = encodeBase64(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/**
 * Split concatenated DER structures by their outer tag and length. Each must be a SEQUENCE
 * with a definite length that fits in the input.
 */
function splitDer(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] !== 0x30 || at + 2 > bytes.length) throw parseError('tls: DER input is not a certificate SEQUENCE');
    const first = bytes[at + 1]!;
    let length: number;
    let header: number;
    if (first < 0x80) {
      length = first;
      header = 2;
    } else {
      const n = first & 0x7f;
      if (n === 0 || n > 4 || at + 2 + n > bytes.length) throw parseError('tls: DER input has a bad length');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + bytes[at + 2 + i]!;
      header = 2 + n;
    }
    const total = header + length;
    if (at + total > bytes.length) throw parseError('tls: DER input is truncated');
    out.push(bytes.slice(at, at + total));
    at += total;
  }
  return out;
}

function looksLikePem(bytes: Uint8Array): boolean {
  // DER certificates start with 0x30; PEM with text (possibly after whitespace or comments).
  return bytes.length > 0 && bytes[0] !== 0x30;
}

/**
 * Certificates from PEM text or DER bytes, as a list of DER encodings. A string is PEM; bytes
 * are PEM when they do not start like a DER SEQUENCE, else one or more concatenated DER
 * certificates. A list is loaded item by item and flattened. Throws `CertificateError('parse')`
 * when an input holds no certificate at all.
 */
export function loadCertificates(input: string | Uint8Array | readonly (string | Uint8Array)[]): Uint8Array[] {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input.flatMap((item) => loadCertificates(item));
  let ders: Uint8Array[];
  if (typeof input === 'string') ders = decodePem(input);
  else if (looksLikePem(input)) ders = decodePem(new TextDecoder('utf-8').decode(input));
  else ders = splitDer(input);
  if (ders.length === 0) throw parseError('tls: no certificate found in the input');
  return ders;
}
