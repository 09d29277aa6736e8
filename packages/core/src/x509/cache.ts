import { parseCertificate, type ParsedCertificate } from './certificate.ts';

/**
 * A string that identifies certificate bytes exactly (one char per byte): cheap to build and
 * usable as a Map key.
 */
export function derKey(der: Uint8Array): string {
  const known = keys.get(der);
  if (known !== undefined) return known;
  let s = '';
  for (let i = 0; i < der.length; i += 8192) s += String.fromCharCode(...der.subarray(i, i + 8192));
  keys.set(der, s);
  return s;
}

// Parsed certificates keep their `der` array for life, so its key is worth remembering.
// (Callers must not change bytes they handed over; nothing in rxtls does.)
const keys = new WeakMap<Uint8Array, string>();

/**
 * Parsed certificates and verified issuer signatures, keyed by DER content, shared by the
 * connections of one context. Servers send the same chain to every client, and parsing costs
 * about 0.5 ms per certificate with pkijs; a signature that verified once verifies again
 * (it does not depend on time), so the check is remembered too. Bounded: the oldest entries
 * go first.
 */
export class CertificateCache {
  private readonly parsed = new Map<string, ParsedCertificate>();
  private readonly verified = new Set<string>();

  constructor(readonly maxEntries = 512) {}

  /** `parseCertificate`, remembered. Failures are not cached (they throw every time). */
  parse(der: Uint8Array): ParsedCertificate {
    const key = derKey(der);
    const hit = this.parsed.get(key);
    if (hit !== undefined) return hit;
    const cert = parseCertificate(der);
    this.parsed.set(key, cert);
    if (this.parsed.size > this.maxEntries) this.parsed.delete(this.parsed.keys().next().value!);
    return cert;
  }

  /** Whether `issuer`'s key was already seen to verify `child`'s signature. */
  hasVerified(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
    return this.verified.has(pairKey(child, issuer));
  }

  /** Remember that `issuer`'s key verifies `child`'s signature. */
  markVerified(child: ParsedCertificate, issuer: ParsedCertificate): void {
    this.verified.add(pairKey(child, issuer));
    if (this.verified.size > this.maxEntries) this.verified.delete(this.verified.keys().next().value!);
  }
}

function pairKey(child: ParsedCertificate, issuer: ParsedCertificate): string {
  // The signed bytes, the signature and the issuer's whole certificate fix the outcome.
  return `${derKey(child.der)}\u0000${derKey(issuer.der)}`;
}
