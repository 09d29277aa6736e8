/**
 * A throwaway three-level PKI for the demo and its tests, made in pure JavaScript: pkijs and
 * asn1js build the certificates, WebCrypto (`globalThis.crypto`) makes and uses the keys. No
 * openssl binary, no files: a fresh machine with Node.js 20 is enough.
 *
 * root CA ──signs──> intermediate CA ──signs──> leaf (DNS:localhost, IP:127.0.0.1, serverAuth)
 *
 * Extensions follow the RFC 5280 profile that TLS verifiers expect (§4.2.1).
 */
import type { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import {
  AltName,
  AttributeTypeAndValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CryptoEngine,
  ExtKeyUsage,
  Extension,
  GeneralName,
  RelativeDistinguishedNames,
} from 'pkijs';

/** The key algorithm used for every certificate of the generated PKI. */
export type DemoKeyType = 'ecdsa-p256' | 'rsa-2048';

/** Options for {@link generateDemoPki}. */
export interface DemoPkiOptions {
  /** Key algorithm for the root, the intermediate and the leaf. Default `ecdsa-p256`. */
  readonly keyType?: DemoKeyType;
}

/** The generated PKI, all PEM. */
export interface DemoPki {
  /** The self-signed root CA: the only certificate a client needs to trust. */
  readonly rootPem: string;
  /** The intermediate CA that signed the leaf; the server sends it after the leaf. */
  readonly intermediatePem: string;
  /** The server certificate for `localhost` and `127.0.0.1`. */
  readonly leafPem: string;
  /** The leaf's private key, PKCS#8 (`-----BEGIN PRIVATE KEY-----`). */
  readonly leafKeyPem: string;
}

/** Object identifiers used below (RFC 5280 §4.1.2.4, §4.2.1). */
const Oid = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** KeyUsage bits, RFC 5280 §4.2.1.3: bit 0 is the most significant bit of the first byte. */
const KeyUsageBit = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

const ORGANIZATION = 'rxtls demo';
const HOUR_MS = 60 * 60 * 1000;

/** One certificate's key pair with what its children need to name it. */
interface Issuer {
  readonly keys: webcrypto.CryptoKeyPair;
  readonly name: readonly [string, string][];
  readonly keyIdentifier: ArrayBuffer;
}

function keyGenParams(keyType: DemoKeyType): webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams {
  return keyType === 'ecdsa-p256'
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
}

/**
 * A Name with one UTF8String attribute per RDN (RFC 5280 §4.1.2.4). pkijs would put every
 * attribute of a fresh Name into a single multi-valued RDN (`O=… + CN=…`), so the
 * SEQUENCE OF SET is encoded here and parsed back.
 */
function makeName(attributes: readonly [string, string][]): RelativeDistinguishedNames {
  const rdns = attributes.map(([type, value]) => new asn1js.Set({ value: [new AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] }));
  const parsed = asn1js.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
  if (parsed.offset === -1) throw new Error('generate-pki: could not encode a Name');
  return new RelativeDistinguishedNames({ schema: parsed.result });
}

/**
 * A KeyUsage BIT STRING in DER: named bits with trailing zero bits removed
 * (X.690 §11.2.2), so `unusedBits` counts the zero bits after the last set one.
 */
function keyUsageBitString(bits: readonly number[]): asn1js.BitString {
  const last = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(last / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return new asn1js.BitString({ valueHex: bytes.buffer, unusedBits: 7 - (last & 7) });
}

function extension(extnID: string, critical: boolean, value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Extension {
  return new Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** A positive 127-bit serial number (RFC 5280 §4.1.2.2: at most 20 octets, unpredictable). */
function randomSerial(): asn1js.Integer {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return asn1js.Integer.fromBigInt(value);
}

function toPem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Parse an IPv4 dotted quad into its four octets. */
function ipv4Octets(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return new Uint8Array(parts);
}

interface CertificateRequest {
  readonly subject: readonly [string, string][];
  readonly publicKey: webcrypto.CryptoKey;
  /** Undefined for the self-signed root: it signs itself with `selfKey`. */
  readonly issuer: Issuer | undefined;
  readonly selfKey?: webcrypto.CryptoKey;
  readonly extensions: (subjectKeyIdentifier: ArrayBuffer) => Extension[];
  readonly now: number;
}

/** Build, sign and return one certificate together with its subject key identifier. */
async function issue(engine: CryptoEngine, request: CertificateRequest): Promise<{ certificate: Certificate; keyIdentifier: ArrayBuffer }> {
  const certificate = new Certificate();
  certificate.version = 2; // v3
  certificate.serialNumber = randomSerial();
  certificate.subject = makeName(request.subject);
  certificate.issuer = makeName(request.issuer?.name ?? request.subject);
  certificate.notBefore.value = new Date(request.now - HOUR_MS);
  certificate.notAfter.value = new Date(request.now + 24 * HOUR_MS);
  await certificate.subjectPublicKeyInfo.importKey(request.publicKey, engine);
  // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents.
  const keyIdentifier = await certificate.getKeyHash('SHA-1', engine);
  certificate.extensions = request.extensions(keyIdentifier);
  if (request.issuer !== undefined) {
    const aki = new AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: request.issuer.keyIdentifier }) });
    certificate.extensions.push(extension(Oid.authorityKeyIdentifier, false, aki.toSchema()));
  }
  const signingKey = request.issuer?.keys.privateKey ?? request.selfKey;
  if (signingKey === undefined) throw new Error('generate-pki: no signing key');
  await certificate.sign(signingKey, 'SHA-256', engine);
  return { certificate, keyIdentifier };
}

function subjectKeyIdentifier(keyIdentifier: ArrayBuffer): Extension {
  return extension(Oid.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: keyIdentifier }));
}

function caExtensions(pathLenConstraint: number | undefined): (ski: ArrayBuffer) => Extension[] {
  return (ski) => [
    extension(Oid.basicConstraints, true, new BasicConstraints(pathLenConstraint === undefined ? { cA: true } : { cA: true, pathLenConstraint }).toSchema()),
    extension(Oid.keyUsage, true, keyUsageBitString([KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign])),
    subjectKeyIdentifier(ski),
  ];
}

function leafExtensions(dnsName: string, ipAddress: string): (ski: ArrayBuffer) => Extension[] {
  const altNames = new AltName({
    altNames: [
      new GeneralName({ type: 2, value: dnsName }), // dNSName
      new GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipv4Octets(ipAddress).buffer }) }), // iPAddress
    ],
  });
  return (ski) => [
    extension(Oid.basicConstraints, true, new BasicConstraints({ cA: false }).toSchema()),
    extension(Oid.keyUsage, true, keyUsageBitString([KeyUsageBit.digitalSignature])),
    extension(Oid.extKeyUsage, false, new ExtKeyUsage({ keyPurposes: [Oid.serverAuth] }).toSchema()),
    extension(Oid.subjectAltName, false, altNames.toSchema()),
    subjectKeyIdentifier(ski),
  ];
}

/**
 * Generate a fresh root CA, intermediate CA and leaf for `localhost` / `127.0.0.1`, valid from
 * one hour ago until one day from now. Every key is new and never leaves memory except the
 * leaf's, returned as PKCS#8 PEM for the server.
 */
export async function generateDemoPki(options: DemoPkiOptions = {}): Promise<DemoPki> {
  const keyType = options.keyType ?? 'ecdsa-p256';
  const engine = new CryptoEngine({ name: 'webcrypto', crypto: globalThis.crypto });
  const { subtle } = globalThis.crypto;
  const params = keyGenParams(keyType);
  const generate = (extractable: boolean): Promise<webcrypto.CryptoKeyPair> => subtle.generateKey(params, extractable, ['sign', 'verify']);
  const [rootKeys, intermediateKeys, leafKeys] = await Promise.all([generate(false), generate(false), generate(true)]);
  const now = Date.now();

  const rootName: [string, string][] = [
    [Oid.organizationName, ORGANIZATION],
    [Oid.commonName, `rxtls Demo Root CA (${keyType})`],
  ];
  const root = await issue(engine, { subject: rootName, publicKey: rootKeys.publicKey, issuer: undefined, selfKey: rootKeys.privateKey, extensions: caExtensions(undefined), now });

  const intermediateName: [string, string][] = [
    [Oid.organizationName, ORGANIZATION],
    [Oid.commonName, `rxtls Demo Intermediate CA (${keyType})`],
  ];
  const rootIssuer: Issuer = { keys: rootKeys, name: rootName, keyIdentifier: root.keyIdentifier };
  const intermediate = await issue(engine, { subject: intermediateName, publicKey: intermediateKeys.publicKey, issuer: rootIssuer, extensions: caExtensions(0), now });

  const leafName: [string, string][] = [
    [Oid.organizationName, ORGANIZATION],
    [Oid.commonName, 'localhost'],
  ];
  const intermediateIssuer: Issuer = { keys: intermediateKeys, name: intermediateName, keyIdentifier: intermediate.keyIdentifier };
  const leaf = await issue(engine, { subject: leafName, publicKey: leafKeys.publicKey, issuer: intermediateIssuer, extensions: leafExtensions('localhost', '127.0.0.1'), now });

  return {
    rootPem: toPem('CERTIFICATE', root.certificate.toSchema().toBER(false)),
    intermediatePem: toPem('CERTIFICATE', intermediate.certificate.toSchema().toBER(false)),
    leafPem: toPem('CERTIFICATE', leaf.certificate.toSchema().toBER(false)),
    leafKeyPem: toPem('PRIVATE KEY', await subtle.exportKey('pkcs8', leafKeys.privateKey)),
  };
}
