/**
 * Test certificates built with a small DER encoder and node:crypto keys. It lets the x509
 * tests shape any certificate graph (cross-signs, cycles, constraints, odd extensions) in
 * milliseconds, and backs the test PKI in pki.ts.
 */
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

// ---- DER encoding (X.690) ----

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 255);
  return [0x80 | out.length, ...out];
}

/** One TLV. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return new Uint8Array([tag, ...lengthBytes(body.length), ...body]);
}

export const der = {
  seq: (...items: Uint8Array[]) => tlv(0x30, ...items),
  set: (...items: Uint8Array[]) => tlv(0x31, ...items),
  bool: (v: boolean) => tlv(0x01, new Uint8Array([v ? 0xff : 0])),
  null: () => tlv(0x05),
  octets: (b: Uint8Array) => tlv(0x04, b),
  bits: (b: Uint8Array, unused = 0) => tlv(0x03, new Uint8Array([unused]), b),
  utf8: (s: string) => tlv(0x0c, new TextEncoder().encode(s)),
  ia5: (s: string) => tlv(0x16, new TextEncoder().encode(s)),
  /** Non-negative INTEGER from a number or big-endian magnitude. */
  int(v: number | bigint | Uint8Array): Uint8Array {
    let bytes: number[];
    if (v instanceof Uint8Array) bytes = [...v];
    else {
      bytes = [];
      for (let x = BigInt(v); x > 0n; x >>= 8n) bytes.unshift(Number(x & 255n));
    }
    while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes.shift();
    if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes.unshift(0);
    return tlv(0x02, new Uint8Array(bytes));
  },
  oid(dotted: string): Uint8Array {
    const parts = dotted.split('.').map(BigInt);
    const arcs = [parts[0]! * 40n + parts[1]!, ...parts.slice(2)];
    const out: number[] = [];
    for (const arc of arcs) {
      const chunk: number[] = [Number(arc & 127n)];
      for (let x = arc >> 7n; x > 0n; x >>= 7n) chunk.unshift(Number(x & 127n) | 0x80);
      out.push(...chunk);
    }
    return tlv(0x06, new Uint8Array(out));
  },
  /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  time(d: Date): Uint8Array {
    const iso = d.toISOString();
    const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
    const year = d.getUTCFullYear();
    return year < 2050 ? tlv(0x17, new TextEncoder().encode(digits.slice(2))) : tlv(0x18, new TextEncoder().encode(digits));
  },
  /** Context-specific tag; constructed when `constructed`. */
  ctx: (n: number, constructed: boolean, ...content: Uint8Array[]) => tlv(0x80 | (constructed ? 0x20 : 0) | n, ...content),
};

// ---- keys ----

/** rsa1024 and secp256k1 exist to be refused (weak or unsupported keys). */
export type KeyType = 'p256' | 'p384' | 'ed25519' | 'rsa2048' | 'rsa1024' | 'secp256k1';

export interface KeyPair {
  readonly type: KeyType;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A fresh key pair. */
export function makeKey(type: KeyType = 'p256'): KeyPair {
  const pair =
    type === 'p256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'p384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : type === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : type === 'secp256k1'
            ? generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
            : generateKeyPairSync('rsa', { modulusLength: type === 'rsa1024' ? 1024 : 2048 });
  return { type, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

// ---- certificates ----

export const OID = {
  cn: '2.5.4.3',
  o: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  ski: '2.5.29.14',
  aki: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyEku: '2.5.29.37.0',
} as const;

const keyUsageBits = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'] as const;
export type KeyUsageBit = (typeof keyUsageBits)[number];

export interface NameSpec {
  readonly cn: string;
  readonly o?: string;
}

export interface Extension {
  readonly oid: string;
  readonly critical?: boolean;
  readonly value: Uint8Array;
}

export interface CertSpec {
  readonly subject: NameSpec;
  /** The subject key (its public half goes into the certificate). */
  readonly key: KeyPair;
  /** Issuer name and signing key; absent = self-signed with `key`. */
  readonly issuer?: { readonly name: NameSpec; readonly key: KeyPair };
  readonly serial?: bigint;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** basicConstraints: `true` = CA without pathLen, a number = CA with that pathLen, `false` = critical cA=false, absent = no extension. */
  readonly ca?: boolean | number | undefined;
  readonly keyUsage?: readonly KeyUsageBit[];
  readonly eku?: readonly string[] | undefined;
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  /** Omit subject/authority key identifiers (default: present). */
  readonly noKeyIds?: boolean;
  readonly nameConstraints?: { readonly permittedDns?: readonly string[]; readonly excludedDns?: readonly string[]; readonly permittedIp?: readonly string[] /* "10.0.0.0/8" */ };
  readonly extraExtensions?: readonly Extension[];
  /** Override the signature algorithm: its AlgorithmIdentifier, node hash name, PSS salt length. */
  readonly signatureAlgorithm?: { readonly id: Uint8Array; readonly hash: string | null; readonly pssSaltLength?: number };
}

/** DER Name with CN (and O). */
export function encodeName(name: NameSpec): Uint8Array {
  const rdns = [];
  if (name.o !== undefined) rdns.push(der.set(der.seq(der.oid(OID.o), der.utf8(name.o))));
  rdns.push(der.set(der.seq(der.oid(OID.cn), der.utf8(name.cn))));
  return der.seq(...rdns);
}

/** Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1, near enough). */
export function keyId(key: KeyPair): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spkiOf(key)).digest());
}

function spkiOf(key: KeyPair): Uint8Array {
  return new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' }));
}

function signatureAlgorithm(key: KeyPair): { id: Uint8Array; hash: string | null } {
  switch (key.type) {
    case 'p256':
    case 'secp256k1':
      return { id: der.seq(der.oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    case 'p384':
      return { id: der.seq(der.oid('1.2.840.10045.4.3.3')), hash: 'sha384' };
    case 'ed25519':
      return { id: der.seq(der.oid('1.3.101.112')), hash: null };
    case 'rsa2048':
    case 'rsa1024':
      return { id: der.seq(der.oid('1.2.840.113549.1.1.11'), der.null()), hash: 'sha256' };
  }
}

function ipBytes(text: string): Uint8Array {
  if (text.includes(':')) {
    const [head = '', tail = ''] = text.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = text.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
    const groups = text.includes('::') ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t] : text.split(':');
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const n = parseInt(g, 16);
      out[2 * i] = n >> 8;
      out[2 * i + 1] = n & 255;
    });
    return out;
  }
  return new Uint8Array(text.split('.').map(Number));
}

function cidr(text: string): Uint8Array {
  const [addr = '', bitsText = ''] = text.split('/');
  const a = ipBytes(addr);
  const bits = Number(bitsText);
  const mask = new Uint8Array(a.length);
  for (let i = 0; i < bits; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  return new Uint8Array([...a, ...mask]);
}

function encodeExtensions(spec: CertSpec, issuerKey: KeyPair): Uint8Array[] {
  const exts: Extension[] = [];
  if (spec.ca !== undefined) {
    const body = spec.ca === false ? [] : typeof spec.ca === 'number' ? [der.bool(true), der.int(spec.ca)] : [der.bool(true)];
    exts.push({ oid: OID.basicConstraints, critical: true, value: der.seq(...body) });
  }
  if (spec.keyUsage !== undefined) {
    let bitsValue = 0;
    let last = 0;
    for (const name of spec.keyUsage) {
      const bit = keyUsageBits.indexOf(name);
      bitsValue |= 0x8000 >> bit;
      last = Math.max(last, bit);
    }
    const byteCount = last < 8 ? 1 : 2;
    const bytes = byteCount === 1 ? new Uint8Array([bitsValue >> 8]) : new Uint8Array([bitsValue >> 8, bitsValue & 255]);
    exts.push({ oid: OID.keyUsage, critical: true, value: der.bits(bytes, byteCount * 8 - 1 - last) });
  }
  if (spec.eku !== undefined) exts.push({ oid: OID.extKeyUsage, value: der.seq(...spec.eku.map((o) => der.oid(o))) });
  if (spec.dns !== undefined || spec.ips !== undefined) {
    const names = [...(spec.dns ?? []).map((d) => der.ctx(2, false, new TextEncoder().encode(d))), ...(spec.ips ?? []).map((ip) => der.ctx(7, false, ipBytes(ip)))];
    exts.push({ oid: OID.subjectAltName, value: der.seq(...names) });
  }
  if (spec.nameConstraints !== undefined) {
    const nc = spec.nameConstraints;
    const subtree = (base: Uint8Array) => der.seq(base);
    const permitted = [...(nc.permittedDns ?? []).map((d) => subtree(der.ctx(2, false, new TextEncoder().encode(d)))), ...(nc.permittedIp ?? []).map((c) => subtree(der.ctx(7, false, cidr(c))))];
    const excluded = (nc.excludedDns ?? []).map((d) => subtree(der.ctx(2, false, new TextEncoder().encode(d))));
    const parts = [];
    if (permitted.length > 0) parts.push(der.ctx(0, true, ...permitted));
    if (excluded.length > 0) parts.push(der.ctx(1, true, ...excluded));
    exts.push({ oid: OID.nameConstraints, critical: true, value: der.seq(...parts) });
  }
  if (spec.noKeyIds !== true) {
    exts.push({ oid: OID.ski, value: der.octets(keyId(spec.key)) });
    exts.push({ oid: OID.aki, value: der.seq(der.ctx(0, false, keyId(issuerKey))) });
  }
  exts.push(...(spec.extraExtensions ?? []));
  return exts.map((e) => der.seq(der.oid(e.oid), ...(e.critical === true ? [der.bool(true)] : []), der.octets(e.value)));
}

let serialCounter = 1000n;

/** A signed certificate, DER. */
export function makeCert(spec: CertSpec): Uint8Array {
  const issuerName = spec.issuer?.name ?? spec.subject;
  const issuerKey = spec.issuer?.key ?? spec.key;
  const alg = spec.signatureAlgorithm ?? signatureAlgorithm(issuerKey);
  const extensions = encodeExtensions(spec, issuerKey);
  const tbs = der.seq(
    der.ctx(0, true, der.int(2)),
    der.int(spec.serial ?? serialCounter++),
    alg.id,
    encodeName(issuerName),
    der.seq(der.time(spec.notBefore ?? new Date('2020-01-01T00:00:00Z')), der.time(spec.notAfter ?? new Date('2099-12-31T23:59:59Z'))),
    encodeName(spec.subject),
    spkiOf(spec.key),
    ...(extensions.length > 0 ? [der.ctx(3, true, der.seq(...extensions))] : []),
  );
  const pss = spec.signatureAlgorithm?.pssSaltLength;
  const signingKey = pss === undefined ? issuerKey.privateKey : { key: issuerKey.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss };
  const signature = new Uint8Array(sign(alg.hash, tbs, signingKey));
  return der.seq(tbs, alg.id, der.bits(signature));
}

/** A CA and its key, for chaining `makeCert` calls. */
export interface Issuer {
  readonly name: NameSpec;
  readonly key: KeyPair;
  readonly der: Uint8Array;
}

/** A self-signed root CA. */
export function makeRoot(cn: string, options: Partial<CertSpec> = {}): Issuer {
  const key = options.key ?? makeKey('p256');
  const name = { cn };
  return { name, key, der: makeCert({ subject: name, key, ca: true, keyUsage: ['keyCertSign', 'cRLSign'], ...options }) };
}

/** An intermediate CA under `issuer`. */
export function makeIntermediate(issuer: Issuer, cn: string, options: Partial<CertSpec> = {}): Issuer {
  const key = options.key ?? makeKey('p256');
  const name = { cn };
  return { name, key, der: makeCert({ subject: name, key, issuer, ca: true, keyUsage: ['keyCertSign', 'cRLSign'], ...options }) };
}

/** A TLS server leaf under `issuer`. */
export function makeLeaf(issuer: Issuer, options: Partial<CertSpec> = {}): Uint8Array {
  return makeCert({
    subject: { cn: 'localhost' },
    key: makeKey('p256'),
    issuer,
    ca: false,
    keyUsage: ['digitalSignature'],
    eku: [OID.serverAuth],
    dns: ['localhost'],
    ...options,
  });
}
