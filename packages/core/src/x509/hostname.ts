/**
 * Server identity checks, RFC 9525 (which obsoletes RFC 6125): DNS names only against dNSName
 * subjectAltNames, never the subject CN; IP literals only against iPAddress subjectAltNames.
 */
import { bytesEqual } from '../bytes/index.ts';
import { CertificateError } from '../errors/index.ts';
import type { ParsedCertificate } from './certificate.ts';
import { formatIpAddress, parseIpAddress } from './ip.ts';

/**
 * A DNS name in comparison form: ASCII lower case, one trailing dot removed. `undefined` when
 * it has an empty label or characters outside printable ASCII (U-labels are not converted:
 * IDNs must be given as A-labels, `xn--...`, and are compared as given).
 */
function canonicalDnsName(name: string): string | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '' || !/^[\x21-\x7e]+$/.test(trimmed)) return undefined;
  const lower = trimmed.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (lower.split('.').some((label) => label === '')) return undefined;
  return lower;
}

/**
 * RFC 9525 §6.3: a wildcard only as the complete left-most label, matching exactly one label
 * (`*.example.com` matches `a.example.com`, not `a.b.example.com` nor `example.com`). A pattern
 * with `*` anywhere else never matches, and we require two labels after the wildcard (no
 * `*.com`).
 */
function dnsNameMatches(pattern: string, host: string): boolean {
  const p = canonicalDnsName(pattern);
  if (p === undefined) return false;
  if (!p.startsWith('*.')) return !p.includes('*') && p === host;
  const suffix = p.slice(2);
  if (suffix.includes('*') || !suffix.includes('.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === suffix;
}

/**
 * Whether `cert` names `host`. `host` is a DNS name (case-insensitive, trailing dot ignored,
 * IDNs as A-labels) or an IPv4/IPv6 literal (IPv6 optionally in brackets).
 */
export function matchesHost(cert: ParsedCertificate, host: string): boolean {
  const ip = parseIpAddress(host);
  if (ip !== undefined) return cert.subjectAltNames.ip.some((san) => bytesEqual(san, ip));
  const name = canonicalDnsName(host);
  if (name === undefined || name.includes('*')) return false;
  return cert.subjectAltNames.dns.some((san) => dnsNameMatches(san, name));
}

/** The subjectAltNames of `cert` as `DNS:a, IP:1.2.3.4`, for messages. */
export function describeSubjectAltNames(cert: ParsedCertificate): string {
  const names = [...cert.subjectAltNames.dns.map((d) => `DNS:${d}`), ...cert.subjectAltNames.ip.map((ip) => `IP:${formatIpAddress(ip)}`)];
  return names.length === 0 ? 'no DNS or IP subjectAltName' : names.join(', ');
}

/**
 * Throw `CertificateError('hostname-mismatch', 'bad_certificate')` unless `cert` names `host`
 * (see {@link matchesHost}). The message names the host and the certificate's names.
 */
export function checkHost(cert: ParsedCertificate, host: string): void {
  if (matchesHost(cert, host)) return;
  throw new CertificateError(
    'hostname-mismatch',
    'bad_certificate',
    `tls: certificate is not valid for "${host}"; it names ${describeSubjectAltNames(cert)}`,
  );
}
