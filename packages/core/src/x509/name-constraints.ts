/**
 * NameConstraints evaluation, RFC 5280 §4.2.1.10, for dNSName and iPAddress subtrees. pkijs
 * only offers subtree matching inside its chain engine (which we do not use), so the two
 * matching rules live here.
 */
import type { GeneralSubtree, NameConstraints, ParsedCertificate } from './certificate.ts';
import { formatIpAddress } from './ip.ts';

/**
 * RFC 5280 §4.2.1.10: a dNSName constraint is satisfied by the name itself and any name made
 * by adding labels on the left (`example.com` covers `www.example.com`, not `badexample.com`).
 * A leading dot (`.example.com`, a common extension) covers subdomains only; an empty base
 * covers every name. A wildcard SAN is compared as if `*` were an ordinary label.
 */
export function dnsNameWithin(name: string, base: string): boolean {
  const n = (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
  const b = base.toLowerCase();
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b) && n.length > b.length;
  return n === b || n.endsWith(`.${b}`);
}

/** RFC 5280 §4.2.1.10: an iPAddress constraint is an address and a mask of the same family. */
export function ipWithin(address: Uint8Array, base: Extract<GeneralSubtree, { kind: 'ip' }>): boolean {
  if (address.length !== base.address.length) return false;
  for (let i = 0; i < address.length; i++) {
    if ((address[i]! & base.mask[i]!) !== (base.address[i]! & base.mask[i]!)) return false;
  }
  return true;
}

function describeSubtree(s: GeneralSubtree): string {
  if (s.kind === 'dns') return `DNS:${s.name}`;
  if (s.kind === 'ip') return `IP:${formatIpAddress(s.address)}/${formatIpAddress(s.mask)}`;
  return `GeneralName[${s.generalNameType}]`;
}

/**
 * Why `cert`'s names break `constraints`, or `undefined` when they satisfy them. Permitted
 * subtrees of a name form only restrict names of that form (a leaf without IP SANs passes an
 * IP-only constraint). Subtrees of forms we do not evaluate (email, URI, directoryName, ...)
 * make the check fail closed.
 */
export function nameConstraintViolation(constraints: NameConstraints, cert: ParsedCertificate): string | undefined {
  const other = [...constraints.permitted, ...constraints.excluded].find((s) => s.kind === 'other');
  if (other !== undefined) return `unsupported name constraint ${describeSubtree(other)}`;
  const permittedDns = constraints.permitted.filter((s) => s.kind === 'dns');
  const excludedDns = constraints.excluded.filter((s) => s.kind === 'dns');
  const permittedIp = constraints.permitted.filter((s) => s.kind === 'ip');
  const excludedIp = constraints.excluded.filter((s) => s.kind === 'ip');
  for (const name of cert.subjectAltNames.dns) {
    const excluded = excludedDns.find((s) => dnsNameWithin(name, s.name));
    if (excluded !== undefined) return `DNS:${name} is in excluded subtree ${describeSubtree(excluded)}`;
    if (permittedDns.length > 0 && !permittedDns.some((s) => dnsNameWithin(name, s.name))) return `DNS:${name} is outside the permitted subtrees`;
  }
  for (const ip of cert.subjectAltNames.ip) {
    const excluded = excludedIp.find((s) => ipWithin(ip, s));
    if (excluded !== undefined) return `IP:${formatIpAddress(ip)} is in excluded subtree ${describeSubtree(excluded)}`;
    if (permittedIp.length > 0 && !permittedIp.some((s) => ipWithin(ip, s))) return `IP:${formatIpAddress(ip)} is outside the permitted subtrees`;
  }
  return undefined;
}
