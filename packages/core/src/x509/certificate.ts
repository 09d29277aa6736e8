/**
 * X.509 certificate parsing (RFC 5280 §4). pkijs parses the structure; this file turns it into
 * a plain `ParsedCertificate` holding what the TLS checks need, and decodes the extensions
 * we act on. Any failure becomes `CertificateError('parse', 'bad_certificate')`.
 */
import * as asn1js from 'asn1js';
import {
  AltName,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate as PkiCertificate,
  ExtKeyUsage,
  type Extension,
  type GeneralName,
  NameConstraints as PkiNameConstraints,
} from 'pkijs';
import { bytesEqual, toHex } from '../bytes/index.ts';
import type { PublicKey, SignatureAlgorithm } from '../crypto/provider.ts';
import { CertificateError } from '../errors/index.ts';
import { publicKeyOf, signatureAlgorithmOf } from './algorithms.ts';
import { Asn1ShapeError, bitStringBytes, decodeWhole, octetsOf, smallInteger } from './asn1.ts';
import { formatName } from './names.ts';
import { Oid } from './oids.ts';

/** KeyUsage bits, RFC 5280 §4.2.1.3, in bit order. */
export const keyUsageNames = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
/** One KeyUsage bit by its RFC 5280 name (`nonRepudiation` is also called contentCommitment). */
export type KeyUsageName = (typeof keyUsageNames)[number];

/**
 * One subtree of a NameConstraints extension (RFC 5280 §4.2.1.10). Only dNSName and iPAddress
 * bases are evaluated; any other form is kept as `other` so that validation can refuse it.
 */
export type GeneralSubtree =
  | { readonly kind: 'dns'; readonly name: string }
  | { readonly kind: 'ip'; readonly address: Uint8Array; readonly mask: Uint8Array }
  | { readonly kind: 'other'; readonly generalNameType: number };

/** Permitted and excluded subtrees of a CA certificate. */
export interface NameConstraints {
  readonly permitted: readonly GeneralSubtree[];
  readonly excluded: readonly GeneralSubtree[];
}

/** The parts of a certificate that the TLS checks use. */
export interface ParsedCertificate {
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
  /** The TBSCertificate bytes the signature covers. */
  readonly tbs: Uint8Array;
  /** signatureValue contents. */
  readonly signature: Uint8Array;
  /** The algorithm that signed this certificate; `undefined` when we do not support it. */
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  /** X.509 version: 1, 2 or 3. */
  readonly version: number;
  /** Subject, RFC 4514 style, for messages. */
  readonly subject: string;
  /** Issuer, RFC 4514 style, for messages. */
  readonly issuer: string;
  /** Subject Name, DER, for matching. */
  readonly subjectRaw: Uint8Array;
  /** Issuer Name, DER, for matching. */
  readonly issuerRaw: Uint8Array;
  /** Subject and issuer names are equal (RFC 5280 §6.1 "self-issued"). */
  readonly selfIssued: boolean;
  /** Serial number, lower-case hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject public key; `undefined` for an algorithm or curve we do not support. */
  readonly publicKey: PublicKey | undefined;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLenConstraint?: number };
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  /** Extended key usage OIDs. */
  readonly extKeyUsage?: readonly string[];
  /** dNSName and iPAddress entries of subjectAltName (other forms are not kept). */
  readonly subjectAltNames: { readonly dns: readonly string[]; readonly ip: readonly Uint8Array[] };
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  readonly nameConstraints?: NameConstraints;
  /** OIDs of critical extensions this code does not process; validation rejects them. */
  readonly unhandledCriticalExtensions: readonly string[];
}

class ParseFailure extends Error {}

function fail(message: string): never {
  throw new ParseFailure(message);
}

function extensionBytes(ext: Extension): Uint8Array {
  return new Uint8Array(ext.extnValue.getValue()).slice();
}

/** RFC 5280 §4.2.1.3: the bits of a KeyUsage BIT STRING, bit 0 first. */
function parseKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const node = decodeWhole(value);
  if (!(node instanceof asn1js.BitString)) fail('keyUsage is not a BIT STRING');
  const bytes = node.valueBlock.valueHexView;
  const bitCount = bytes.length * 8 - node.valueBlock.unusedBits;
  const out = new Set<KeyUsageName>();
  keyUsageNames.forEach((name, bit) => {
    if (bit < bitCount && ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) === 1) out.add(name);
  });
  return out;
}

function isIa5Host(s: string): boolean {
  return /^[\x21-\x7e]*$/.test(s);
}

function parseSubtree(base: GeneralName, minimum: number | asn1js.Integer, maximum: number | asn1js.Integer | undefined): GeneralSubtree {
  // RFC 5280 §4.2.1.10: minimum MUST be zero and maximum MUST be absent.
  if (smallInteger(minimum) !== 0 || maximum !== undefined) return { kind: 'other', generalNameType: base.type };
  if (base.type === 2 && typeof base.value === 'string') {
    if (!isIa5Host(base.value)) fail('name constraint dNSName is not IA5 text');
    return { kind: 'dns', name: base.value.toLowerCase() };
  }
  if (base.type === 7) {
    const raw = octetsOf(base.value);
    if (raw.length !== 8 && raw.length !== 32) fail('name constraint iPAddress must be 8 or 32 bytes');
    const half = raw.length / 2;
    return { kind: 'ip', address: raw.slice(0, half), mask: raw.slice(half) };
  }
  return { kind: 'other', generalNameType: base.type };
}

function parseNameConstraints(value: Uint8Array): NameConstraints {
  const nc = new PkiNameConstraints({ schema: decodeWhole(value) });
  const permitted = (nc.permittedSubtrees ?? []).map((s) => parseSubtree(s.base, s.minimum, s.maximum));
  const excluded = (nc.excludedSubtrees ?? []).map((s) => parseSubtree(s.base, s.minimum, s.maximum));
  // RFC 5280 §4.2.1.10: the extension MUST NOT be empty.
  if (permitted.length === 0 && excluded.length === 0) fail('nameConstraints is empty');
  return { permitted, excluded };
}

function parseSubjectAltName(value: Uint8Array): { dns: string[]; ip: Uint8Array[] } {
  const alt = new AltName({ schema: decodeWhole(value) });
  const dns: string[] = [];
  const ip: Uint8Array[] = [];
  for (const name of alt.altNames) {
    if (name.type === 2) {
      if (typeof name.value !== 'string' || !isIa5Host(name.value)) fail('subjectAltName dNSName is not IA5 text');
      dns.push(name.value);
    } else if (name.type === 7) {
      const raw = octetsOf(name.value);
      if (raw.length !== 4 && raw.length !== 16) fail('subjectAltName iPAddress must be 4 or 16 bytes');
      ip.push(raw);
    }
  }
  return { dns, ip };
}

const handledExtensions: ReadonlySet<string> = new Set([
  Oid.subjectKeyIdentifier,
  Oid.keyUsage,
  Oid.subjectAltName,
  Oid.basicConstraints,
  Oid.nameConstraints,
  Oid.authorityKeyIdentifier,
  Oid.extKeyUsage,
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parseExtensions(extensions: readonly Extension[], into: Mutable<ParsedCertificate>): void {
  const seen = new Set<string>();
  const unhandled: string[] = [];
  for (const ext of extensions) {
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(ext.extnID)) fail(`duplicate extension ${ext.extnID}`);
    seen.add(ext.extnID);
    const value = extensionBytes(ext);
    switch (ext.extnID) {
      case Oid.basicConstraints: {
        const bc = new BasicConstraints({ schema: decodeWhole(value) });
        into.basicConstraints =
          bc.pathLenConstraint === undefined ? { ca: bc.cA } : { ca: bc.cA, pathLenConstraint: smallInteger(bc.pathLenConstraint) };
        break;
      }
      case Oid.keyUsage:
        into.keyUsage = parseKeyUsage(value);
        break;
      case Oid.extKeyUsage:
        into.extKeyUsage = [...new ExtKeyUsage({ schema: decodeWhole(value) }).keyPurposes];
        break;
      case Oid.subjectAltName:
        into.subjectAltNames = parseSubjectAltName(value);
        break;
      case Oid.subjectKeyIdentifier:
        into.subjectKeyId = octetsOf(decodeWhole(value));
        break;
      case Oid.authorityKeyIdentifier: {
        const aki = new AuthorityKeyIdentifier({ schema: decodeWhole(value) });
        if (aki.keyIdentifier !== undefined) into.authorityKeyId = octetsOf(aki.keyIdentifier);
        break;
      }
      case Oid.nameConstraints:
        into.nameConstraints = parseNameConstraints(value);
        break;
    }
    if (ext.critical && !handledExtensions.has(ext.extnID)) unhandled.push(ext.extnID);
  }
  into.unhandledCriticalExtensions = unhandled;
}

function parseUnchecked(der: Uint8Array): ParsedCertificate {
  const copy = der.slice();
  const cert = new PkiCertificate({ schema: decodeWhole(copy) });
  // RFC 5280 §4.1.1.2: the outer signatureAlgorithm MUST equal the TBS signature field.
  if (!cert.signatureAlgorithm.isEqual(cert.signature)) fail('signatureAlgorithm differs from the TBS signature field');
  const version = cert.version + 1;
  if (version < 1 || version > 3) fail(`unknown version ${version}`);
  if (cert.extensions !== undefined && version !== 3) fail('extensions in a certificate older than v3');
  const subjectRaw = new Uint8Array(cert.subject.valueBeforeDecode).slice();
  const issuerRaw = new Uint8Array(cert.issuer.valueBeforeDecode).slice();
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) fail('bad validity time');
  const parsed: Mutable<ParsedCertificate> = {
    der: copy,
    tbs: cert.tbsView.slice(),
    signature: bitStringBytes(cert.signatureValue),
    signatureAlgorithm: signatureAlgorithmOf(cert.signatureAlgorithm),
    version,
    subject: formatName(subjectRaw),
    issuer: formatName(issuerRaw),
    subjectRaw,
    issuerRaw,
    selfIssued: bytesEqual(subjectRaw, issuerRaw),
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore,
    notAfter,
    publicKey: publicKeyOf(cert.subjectPublicKeyInfo),
    subjectAltNames: { dns: [], ip: [] },
    unhandledCriticalExtensions: [],
  };
  parseExtensions(cert.extensions ?? [], parsed);
  return parsed;
}

/**
 * Parse one DER certificate. Any malformation (bad DER, trailing bytes, a malformed extension
 * we act on, duplicate extensions) throws `CertificateError('parse', 'bad_certificate')`; no
 * other exception escapes. An unsupported signature or key algorithm is not a parse error: the
 * field is `undefined` and validation reports it if the certificate is needed.
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    return parseUnchecked(der);
  } catch (cause) {
    const detail = cause instanceof ParseFailure || cause instanceof Asn1ShapeError ? `: ${cause.message}` : '';
    throw new CertificateError('parse', 'bad_certificate', `tls: malformed certificate${detail}`, { cause });
  }
}
