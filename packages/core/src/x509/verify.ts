/**
 * Certificate path building and validation (RFC 5280 §6, RFC 4158 for path building).
 *
 * We build paths ourselves (depth first from the leaf, alternate issuers on failure, no
 * certificate twice in one path, a budget of signature checks) because pkijs' chain engine
 * validates the wrong end of the list, ignores pathLenConstraint, loops on cyclic graphs and
 * misses alternate paths (see DESIGN.md). pkijs only parses.
 */
import { bytesEqual } from '../bytes/index.ts';
import { derKey, type CertificateCache } from './cache.ts';
import type { CryptoProvider, PublicKey, SignatureAlgorithm } from '../crypto/provider.ts';
import { CertificateError, TlsError, UsageError } from '../errors/index.ts';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { checkHost } from './hostname.ts';
import { nameConstraintViolation } from './name-constraints.ts';
import { Oid } from './oids.ts';
import { DEFAULT_MAX_PATH_LENGTH, DEFAULT_MAX_SIGNATURE_CHECKS, MAX_NAME_CONSTRAINT_COMPARISONS, MIN_RSA_MODULUS_BITS } from '../record/limits.ts';

/** Options of {@link verifyCertificateChain}. */
export interface ChainVerifyOptions {
  /** Trusted certificates, DER. A certificate is trusted by being here: its own signature and dates are not checked. */
  readonly trustAnchors: readonly Uint8Array[];
  /** Extra untrusted certificates that may serve as intermediates, DER. */
  readonly intermediates?: readonly Uint8Array[];
  /** DNS name or IP literal the leaf must name (RFC 9525); checked when present. */
  readonly host?: string;
  /** The time to validate at; default now. */
  readonly now?: Date;
  /** Extended key usage the leaf (and any CA that restricts EKU) must allow; unchecked when absent. */
  readonly purpose?: 'serverAuth' | 'clientAuth';
  /** Signature verification. */
  readonly provider: CryptoProvider;
  /** Most signature checks path building may spend; default {@link DEFAULT_MAX_SIGNATURE_CHECKS}. */
  readonly maxSignatureChecks?: number;
  /** Most certificates in a path, leaf and trust anchor included; default {@link DEFAULT_MAX_PATH_LENGTH}. */
  readonly maxPathLength?: number;
  /** Parsed certificates and verified signatures shared across calls (one per context). */
  readonly cache?: CertificateCache;
}

/** A validated path. */
export interface VerifiedChain {
  readonly leaf: ParsedCertificate;
  /** Leaf first, trust anchor last (a leaf that is itself a trust anchor gives a path of one). */
  readonly path: readonly ParsedCertificate[];
}

export { DEFAULT_MAX_PATH_LENGTH, DEFAULT_MAX_SIGNATURE_CHECKS };

interface Candidate {
  readonly cert: ParsedCertificate;
  readonly anchor: boolean;
  /** The DER as a string (`derKey`): identity of a certificate. */
  readonly id: string;
}

interface Search {
  readonly bySubject: ReadonlyMap<string, readonly Candidate[]>;
  readonly options: ChainVerifyOptions;
  readonly now: Date;
  readonly maxChecks: number;
  readonly maxPathLength: number;
  checks: number;
  best: { error: CertificateError; score: number } | undefined;
}

// A failure of a path that reached a trust anchor says more than a dead end.
const COMPLETE_PATH_SCORE = 1000;

const configuredCache = new WeakMap<Uint8Array, ParsedCertificate>();

/** Parse a caller-supplied (configured, not peer-sent) certificate, cached by array identity. */
function parseConfigured(der: Uint8Array, what: string, index: number): ParsedCertificate {
  const cached = configuredCache.get(der);
  if (cached !== undefined) return cached;
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(der);
  } catch (e) {
    throw new UsageError(`${what} #${index} is not a valid certificate (${e instanceof Error ? e.message : String(e)})`);
  }
  configuredCache.set(der, parsed);
  return parsed;
}

const anchorIndexes = new WeakMap<readonly Uint8Array[], ReadonlyMap<string, Candidate>>();
/** Indexes by content, so equal anchor lists in new arrays (a new context) are not parsed again. */
const anchorIndexesByContent = new Map<string, ReadonlyMap<string, Candidate>>();
const MAX_ANCHOR_SETS = 16;

/** The trust anchors as candidates by identity, built once per anchor list. */
function anchorIndex(trustAnchors: readonly Uint8Array[]): ReadonlyMap<string, Candidate> {
  const cached = anchorIndexes.get(trustAnchors);
  if (cached !== undefined) return cached;
  const ids = trustAnchors.map(derKey);
  const contentKey = ids.join('\u0000');
  let index = anchorIndexesByContent.get(contentKey);
  if (index === undefined) {
    const built = new Map<string, Candidate>();
    trustAnchors.forEach((der, i) => {
      const cert = parseConfigured(der, 'trust anchor', i);
      built.set(ids[i]!, { cert, anchor: true, id: ids[i]! });
    });
    index = built;
    anchorIndexesByContent.set(contentKey, index);
    if (anchorIndexesByContent.size > MAX_ANCHOR_SETS) anchorIndexesByContent.delete(anchorIndexesByContent.keys().next().value!);
  }
  anchorIndexes.set(trustAnchors, index);
  return index;
}

function record(search: Search, error: CertificateError, score: number): void {
  if (search.best === undefined || score > search.best.score) search.best = { error, score };
}

function keyFitsAlgorithm(key: PublicKey, algorithm: SignatureAlgorithm): boolean {
  if (algorithm.kind === 'ecdsa') return key.kind === 'ecdsa';
  if (algorithm.kind === 'ed25519') return key.kind === 'ed25519';
  return key.kind === 'rsa';
}

/** Candidate issuers of `cert`: same Name, not already in the path, best first. */
function issuerCandidates(search: Search, cert: ParsedCertificate, path: readonly Candidate[]): Candidate[] {
  const all = search.bySubject.get(derKey(cert.issuerRaw)) ?? [];
  const rank = (c: Candidate): number => {
    // RFC 5280 §4.2.1.1: the authority key identifier picks among same-named issuers.
    const keyRank = cert.authorityKeyId && c.cert.subjectKeyId ? (bytesEqual(cert.authorityKeyId, c.cert.subjectKeyId) ? 0 : 4) : 2;
    return keyRank + (c.anchor ? 0 : 1);
  };
  return all.filter((c) => !path.some((p) => p.id === c.id)).sort((a, b) => rank(a) - rank(b));
}

function noIssuerError(cert: ParsedCertificate, depth: number): CertificateError {
  if (cert.selfIssued && depth === 1) return new CertificateError('self-signed', 'unknown_ca', `tls: self-signed certificate "${cert.subject}" is not trusted`);
  if (cert.selfIssued) return new CertificateError('unknown-ca', 'unknown_ca', `tls: self-signed certificate "${cert.subject}" in the chain is not a trust anchor`);
  return new CertificateError('unknown-ca', 'unknown_ca', `tls: no trusted issuer found for "${cert.subject}" (issuer "${cert.issuer}")`);
}

/** Verify `child`'s signature with `issuer`'s key; the error if it does not verify. */
async function signatureError(search: Search, child: ParsedCertificate, issuer: ParsedCertificate): Promise<CertificateError | undefined> {
  const algorithm = child.signatureAlgorithm;
  if (algorithm === undefined) return new CertificateError('unsupported', 'unsupported_certificate', `tls: "${child.subject}" is signed with an unsupported algorithm`);
  const key = issuer.publicKey;
  if (key === undefined) return new CertificateError('unsupported', 'unsupported_certificate', `tls: "${issuer.subject}" has an unsupported public key`);
  const mismatch = (): CertificateError =>
    new CertificateError('bad-signature', 'bad_certificate', `tls: signature of "${child.subject}" does not verify with the key of "${issuer.subject}"`);
  if (!keyFitsAlgorithm(key, algorithm)) return mismatch();
  const cache = search.options.cache;
  if (cache?.hasVerified(child, issuer)) return undefined;
  if (search.checks >= search.maxChecks) {
    throw new CertificateError('path-budget', 'bad_certificate', `tls: certificate path building gave up after ${search.checks} signature checks`);
  }
  search.checks++;
  let ok: boolean;
  try {
    ok = await search.options.provider.verify(algorithm, key, child.tbs, child.signature);
  } catch (e) {
    if (!(e instanceof TlsError)) throw e;
    ok = false;
  }
  if (!ok) return mismatch();
  cache?.markVerified(child, issuer);
  return undefined;
}

function purposeOid(purpose: 'serverAuth' | 'clientAuth'): string {
  return purpose === 'serverAuth' ? Oid.serverAuth : Oid.clientAuth;
}

/** Bits in an unsigned big-endian integer (leading zero bytes ignored). */
function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/**
 * The key rules of the CA/Browser Forum Baseline Requirements §6.1.5, on every certificate of
 * the path, the trust anchor included: RSA of at least 2048 bits, ECDSA on P-256, P-384 or
 * P-521, or Ed25519. Anything else is refused (an unsupported key parses to `undefined`).
 */
export function keyError(cert: ParsedCertificate): CertificateError | undefined {
  const key = cert.publicKey;
  if (key === undefined) {
    return new CertificateError('weak-key', 'unsupported_certificate', `tls: "${cert.subject}" has a public key of an unsupported algorithm or curve (RSA >= ${MIN_RSA_MODULUS_BITS} bits, P-256, P-384, P-521 or Ed25519 are accepted)`);
  }
  if (key.kind === 'rsa') {
    const bits = bitLength(key.modulus);
    if (bits < MIN_RSA_MODULUS_BITS) return new CertificateError('weak-key', 'bad_certificate', `tls: "${cert.subject}" has a ${bits}-bit RSA key, below ${MIN_RSA_MODULUS_BITS}`);
  }
  return undefined;
}

/**
 * RFC 5280 §4.2.1.10 has a cost of names × subtrees for each constrained CA; a crafted chain
 * (thousands of SANs under thousands of subtrees) would make it quadratic. The total is
 * counted first and refused above {@link MAX_NAME_CONSTRAINT_COMPARISONS}.
 */
function nameConstraintCost(path: readonly ParsedCertificate[]): number {
  let cost = 0;
  for (let i = 1; i < path.length; i++) {
    const constraints = path[i]!.nameConstraints;
    if (constraints === undefined) continue;
    const subtrees = constraints.permitted.length + constraints.excluded.length;
    for (let j = 0; j < i; j++) {
      const names = path[j]!.subjectAltNames;
      cost += subtrees * (names.dns.length + names.ip.length);
    }
  }
  return cost;
}

/** RFC 5280 §6.1.3 and §6.1.4 over a complete path; the first violation, or undefined. */
export function pathError(path: readonly ParsedCertificate[], anchorIndex: number, now: Date, purpose?: 'serverAuth' | 'clientAuth'): CertificateError | undefined {
  const cost = nameConstraintCost(path);
  if (cost > MAX_NAME_CONSTRAINT_COMPARISONS) {
    return new CertificateError('name-constraints', 'bad_certificate', `tls: checking the name constraints of this path would take ${cost} comparisons (limit ${MAX_NAME_CONSTRAINT_COMPARISONS})`);
  }
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    const isAnchor = i === anchorIndex;
    const name = `"${cert.subject}"`;
    // RFC 5280 §4.2: an unrecognised critical extension fails the certificate, a trust anchor's too.
    if (cert.unhandledCriticalExtensions.length > 0) {
      return new CertificateError('unsupported', 'unsupported_certificate', `tls: ${name} has an unsupported critical extension ${cert.unhandledCriticalExtensions[0]}`);
    }
    const weak = keyError(cert);
    if (weak !== undefined) return weak;
    // RFC 5280 §4.2.1.3: keyCertSign only with the cA bit: a leaf claiming it is a CA in
    // disguise. (An issuer without the cA bit fails below as not a CA.)
    if (i === 0 && cert.keyUsage?.has('keyCertSign') === true && cert.basicConstraints?.ca !== true) {
      return new CertificateError('key-usage', 'bad_certificate', `tls: ${name} asserts keyCertSign but is not a CA (basicConstraints)`);
    }
    if (i > 0) {
      // RFC 5280 §4.2.1.9: issuers must be CAs. A v1 trust anchor has no extensions at all.
      const bc = cert.basicConstraints;
      const isCa = bc?.ca === true || (isAnchor && bc === undefined && cert.version < 3);
      if (!isCa) return new CertificateError('not-a-ca', 'bad_certificate', `tls: ${name} issued a certificate but is not a CA`);
      // RFC 5280 §4.2.1.3
      if (cert.keyUsage !== undefined && !cert.keyUsage.has('keyCertSign')) {
        return new CertificateError('key-usage', 'bad_certificate', `tls: ${name} issued a certificate but its keyUsage lacks keyCertSign`);
      }
      // RFC 5280 §4.2.1.9: pathLenConstraint counts the non-self-issued intermediates below.
      const limit = bc?.pathLenConstraint;
      if (limit !== undefined) {
        const below = path.slice(1, i).filter((c) => !c.selfIssued).length;
        if (below > limit) return new CertificateError('path-length', 'bad_certificate', `tls: ${name} allows ${limit} intermediate(s) below it, the path has ${below}`);
      }
      // RFC 5280 §4.2.1.10: constraints apply to every later certificate except self-issued intermediates.
      if (cert.nameConstraints !== undefined) {
        for (let j = 0; j < i; j++) {
          const sub = path[j]!;
          if (j > 0 && sub.selfIssued) continue;
          const violation = nameConstraintViolation(cert.nameConstraints, sub);
          if (violation !== undefined) {
            return new CertificateError('name-constraints', 'bad_certificate', `tls: "${sub.subject}" violates the name constraints of ${name}: ${violation}`);
          }
        }
      }
    }
    // Every certificate's dates count, the trust anchor's too: an expired root is not used, and
    // path building goes on to look for another path (a cross-signed one, as in 2021).
    {
      if (now.getTime() < cert.notBefore.getTime()) {
        return new CertificateError('not-yet-valid', 'certificate_expired', `tls: ${name} is not valid before ${cert.notBefore.toISOString()}`);
      }
      if (now.getTime() > cert.notAfter.getTime()) {
        return new CertificateError('expired', 'certificate_expired', `tls: ${name} expired at ${cert.notAfter.toISOString()}`);
      }
    }
    // RFC 5280 §4.2.1.12; a CA's EKU, when present, restricts what it may issue for (as Go and OpenSSL do).
    if (purpose !== undefined && cert.extKeyUsage !== undefined) {
      const wanted = purposeOid(purpose);
      if (!cert.extKeyUsage.includes(wanted) && !cert.extKeyUsage.includes(Oid.anyExtendedKeyUsage)) {
        return new CertificateError('extended-key-usage', 'unsupported_certificate', `tls: ${name} is not valid for ${purpose} (extendedKeyUsage)`);
      }
    }
  }
  // The leaf signs the handshake (CertificateVerify, RFC 8446 §4.4.3).
  const leaf = path[0];
  if (leaf?.keyUsage !== undefined && !leaf.keyUsage.has('digitalSignature')) {
    return new CertificateError('key-usage', 'unsupported_certificate', `tls: "${leaf.subject}" keyUsage lacks digitalSignature`);
  }
  return undefined;
}

/** Depth-first search for a path from the last element of `path` to a trust anchor. */
async function extend(search: Search, path: readonly Candidate[]): Promise<readonly Candidate[] | undefined> {
  const current = path[path.length - 1]!.cert;
  const candidates = issuerCandidates(search, current, path);
  if (candidates.length === 0) {
    record(search, noIssuerError(current, path.length), path.length);
    return undefined;
  }
  if (path.length >= search.maxPathLength) {
    record(search, new CertificateError('path-length', 'bad_certificate', `tls: no trust anchor within ${search.maxPathLength} certificates`), path.length);
    return undefined;
  }
  for (const candidate of candidates) {
    const badSignature = await signatureError(search, current, candidate.cert);
    if (badSignature !== undefined) {
      record(search, badSignature, path.length + 1);
      continue;
    }
    const next = [...path, candidate];
    if (candidate.anchor) {
      const certs = next.map((c) => c.cert);
      const error = pathError(certs, certs.length - 1, search.now, search.options.purpose);
      if (error === undefined) return next;
      record(search, error, COMPLETE_PATH_SCORE + next.length);
      continue;
    }
    const found = await extend(search, next);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Validate the certificates a peer presented: find a path from the leaf (`presented[0]`) to one
 * of `options.trustAnchors` through the other presented certificates and
 * `options.intermediates` (in any order), check it (dates, CA constraints, pathLen, keyUsage,
 * extendedKeyUsage, name constraints, critical extensions), then the host name.
 *
 * Rejects with `CertificateError` carrying the alert to send; when every path fails, the error
 * of the path that got furthest (a path that reached an anchor beats a dead end). Rejects with
 * `UsageError` when a configured anchor or intermediate does not parse.
 */
export async function verifyCertificateChain(presented: readonly Uint8Array[], options: ChainVerifyOptions): Promise<VerifiedChain> {
  const maxChecks = options.maxSignatureChecks ?? DEFAULT_MAX_SIGNATURE_CHECKS;
  const maxPathLength = options.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH;
  if (!Number.isInteger(maxChecks) || maxChecks < 1) throw new UsageError('maxSignatureChecks must be a positive integer');
  if (!Number.isInteger(maxPathLength) || maxPathLength < 1) throw new UsageError('maxPathLength must be a positive integer');
  const first = presented[0];
  if (first === undefined) throw new CertificateError('empty-chain', 'bad_certificate', 'tls: no certificate to verify');
  const parse = (der: Uint8Array): ParsedCertificate => (options.cache ? options.cache.parse(der) : parseCertificate(der));
  const leaf = parse(first);
  const peerCerts = presented.slice(1).map(parse);
  const extras = (options.intermediates ?? []).map((der, i) => parseConfigured(der, 'intermediate', i));

  const leafId = derKey(leaf.der);
  const byId = new Map<string, Candidate>(anchorIndex(options.trustAnchors));
  for (const cert of [...peerCerts, ...extras]) {
    const id = derKey(cert.der);
    if (!byId.has(id)) byId.set(id, { cert, anchor: false, id });
  }
  const now = options.now ?? new Date();

  const pinned = byId.get(leafId);
  if (pinned?.anchor === true) {
    const error = pathError([leaf], 0, now, options.purpose);
    if (error !== undefined) throw error;
    if (options.host !== undefined) checkHost(leaf, options.host);
    return { leaf, path: [leaf] };
  }
  byId.delete(leafId);

  const bySubject = new Map<string, Candidate[]>();
  for (const candidate of byId.values()) {
    const key = derKey(candidate.cert.subjectRaw);
    const list = bySubject.get(key);
    if (list === undefined) bySubject.set(key, [candidate]);
    else list.push(candidate);
  }
  const search: Search = { bySubject, options, now, maxChecks, maxPathLength, checks: 0, best: undefined };
  const found = await extend(search, [{ cert: leaf, anchor: false, id: leafId }]);
  if (found === undefined) {
    throw search.best?.error ?? new CertificateError('unknown-ca', 'unknown_ca', `tls: no trusted issuer found for "${leaf.subject}"`);
  }
  if (options.host !== undefined) checkHost(leaf, options.host);
  return { leaf, path: found.map((c) => c.cert) };
}
