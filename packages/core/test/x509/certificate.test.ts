import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes/index.ts';
import { CertificateError } from '../../src/errors/index.ts';
import { parseCertificate } from '../../src/x509/certificate.ts';
import { der, makeCert, makeKey, makeLeaf, makeRoot, OID } from '../support/make-x509.ts';
import { getTestPki } from '../support/pki.ts';

const pki = await getTestPki();

function parseFailure(bytes: Uint8Array): string | undefined {
  try {
    parseCertificate(bytes);
    return undefined;
  } catch (e) {
    if (!(e instanceof CertificateError)) throw e;
    expect(e.alertName).toBe('bad_certificate');
    return e.failure;
  }
}

describe('parseCertificate', () => {
  it.each(['p256', 'p384', 'ed25519', 'rsa2048'] as const)('reads the %s server certificate as node:crypto does', (kind) => {
    const c = parseCertificate(pki.servers[kind].der);
    const node = new X509Certificate(pki.servers[kind].der);
    expect(c.subject).toBe('CN=rxtls test server ' + kind + ',O=rxtls tests');
    expect(c.issuer).toBe('CN=rxtls Test Intermediate CA');
    expect(c.serialNumber.toUpperCase().replace(/^0+/, '')).toBe(node.serialNumber.replace(/^0+/, ''));
    expect(c.notBefore.getTime()).toBe(new Date(node.validFrom).getTime());
    expect(c.notAfter.getTime()).toBe(new Date(node.validTo).getTime());
    expect(c.subjectAltNames.dns).toEqual(['localhost', '*.rxtls.test']);
    expect(c.subjectAltNames.ip.map(toHex)).toEqual(['7f000001', '00000000000000000000000000000001']);
    expect(c.extKeyUsage).toEqual([OID.serverAuth]);
    expect(c.keyUsage?.has('digitalSignature')).toBe(true);
    expect(c.keyUsage?.has('keyCertSign')).toBe(false);
    expect(c.basicConstraints).toEqual({ ca: false });
    expect(c.signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'SHA-256' });
    expect(c.publicKey?.kind).toBe(kind === 'rsa2048' ? 'rsa' : kind === 'ed25519' ? 'ed25519' : 'ecdsa');
    expect(c.selfIssued).toBe(false);
    expect(c.unhandledCriticalExtensions).toEqual([]);
    expect(c.der).toEqual(pki.servers[kind].der);
  });

  it('reads public keys that node:crypto agrees with', () => {
    const rsa = parseCertificate(pki.servers.rsa2048.der).publicKey;
    const jwk = new X509Certificate(pki.servers.rsa2048.der).publicKey.export({ format: 'jwk' });
    expect(rsa?.kind === 'rsa' && Buffer.from(rsa.modulus).toString('base64url')).toBe(jwk.n);
    expect(rsa?.kind === 'rsa' && Buffer.from(rsa.exponent).toString('base64url')).toBe(jwk.e);
    const p384 = parseCertificate(pki.servers.p384.der).publicKey;
    expect(p384?.kind === 'ecdsa' && p384.curve).toBe('P-384');
    expect(p384?.kind === 'ecdsa' && p384.point.length).toBe(97);
    const ed = parseCertificate(pki.servers.ed25519.der).publicKey;
    const edJwk = new X509Certificate(pki.servers.ed25519.der).publicKey.export({ format: 'jwk' });
    expect(ed?.kind === 'ed25519' && Buffer.from(ed.key).toString('base64url')).toBe(edJwk.x);
  });

  it('reads CA fields, key identifiers and a GeneralizedTime after 2049', () => {
    const root = parseCertificate(pki.rootDer);
    const inter = parseCertificate(pki.intermediateDer);
    expect(root.selfIssued).toBe(true);
    expect(root.basicConstraints).toEqual({ ca: true });
    expect(inter.basicConstraints).toEqual({ ca: true, pathLenConstraint: 0 });
    expect([...(inter.keyUsage ?? [])].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect(inter.signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'SHA-384' });
    expect(inter.authorityKeyId).toEqual(root.subjectKeyId);
    expect(inter.notAfter.toISOString()).toBe('2099-12-31T23:59:59.000Z');
  });

  it('reads name constraints and lists unknown critical extensions', () => {
    const root = makeRoot('nc root');
    const c = parseCertificate(
      makeCert({
        subject: { cn: 'nc' },
        key: makeKey(),
        issuer: root,
        ca: true,
        nameConstraints: { permittedDns: ['rxtls.test'], excludedDns: ['bad.rxtls.test'], permittedIp: ['10.0.0.0/8'] },
        extraExtensions: [
          { oid: '1.2.3.4', critical: true, value: der.null() },
          { oid: '1.2.3.5', value: der.null() },
        ],
      }),
    );
    expect(c.nameConstraints?.permitted).toEqual([
      { kind: 'dns', name: 'rxtls.test' },
      { kind: 'ip', address: new Uint8Array([10, 0, 0, 0]), mask: new Uint8Array([255, 0, 0, 0]) },
    ]);
    expect(c.nameConstraints?.excluded).toEqual([{ kind: 'dns', name: 'bad.rxtls.test' }]);
    expect(c.unhandledCriticalExtensions).toEqual(['1.2.3.4']);
  });

  it('marks unsupported signature algorithms as undefined rather than failing', () => {
    const root = makeRoot('alg root');
    const sha1 = parseCertificate(makeLeaf(root, { signatureAlgorithm: { id: der.seq(der.oid('1.2.840.10045.4.1')), hash: 'sha1' } }));
    expect(sha1.signatureAlgorithm).toBeUndefined();
    expect(sha1.subject).toBe('CN=localhost');
  });

  it('reads RSASSA-PSS parameters (RFC 4055)', () => {
    const rsaRoot = makeRoot('pss root', { key: makeKey('rsa2048') });
    const hashId = (oid: string) => der.seq(der.oid(oid));
    const params = (hash: string, mgfHash: string, salt: number) =>
      der.seq(der.ctx(0, true, hashId(hash)), der.ctx(1, true, der.seq(der.oid('1.2.840.113549.1.1.8'), hashId(mgfHash))), der.ctx(2, true, der.int(salt)));
    const pss = (hash: string, mgfHash: string, salt: number) => ({ id: der.seq(der.oid('1.2.840.113549.1.1.10'), params(hash, mgfHash, salt)), hash: 'sha384', pssSaltLength: salt });
    const sha384 = '2.16.840.1.101.3.4.2.2';
    const good = parseCertificate(makeLeaf(rsaRoot, { signatureAlgorithm: pss(sha384, sha384, 48) }));
    expect(good.signatureAlgorithm).toEqual({ kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 });
    const mixed = parseCertificate(makeLeaf(rsaRoot, { signatureAlgorithm: pss(sha384, '2.16.840.1.101.3.4.2.1', 48) }));
    expect(mixed.signatureAlgorithm).toBeUndefined();
  });

  it('rejects duplicate extensions and mismatched signature algorithm fields', () => {
    const root = makeRoot('dup root');
    const dup = makeLeaf(root, { extraExtensions: [{ oid: OID.extKeyUsage, value: der.seq(der.oid(OID.clientAuth)) }] });
    expect(parseFailure(dup)).toBe('parse');
    const cert = makeLeaf(root);
    const hex = toHex(cert);
    const alg = toHex(der.seq(der.oid('1.2.840.10045.4.3.2')));
    const last = hex.lastIndexOf(alg);
    const other = toHex(der.seq(der.oid('1.2.840.10045.4.3.3')));
    const mismatched = new Uint8Array(Buffer.from(hex.slice(0, last) + other + hex.slice(last + alg.length), 'hex'));
    expect(parseFailure(mismatched)).toBe('parse');
  });

  it('rejects garbage, every strict prefix and trailing bytes', () => {
    expect(parseFailure(new Uint8Array())).toBe('parse');
    expect(parseFailure(new Uint8Array([1, 2, 3]))).toBe('parse');
    expect(parseFailure(new TextEncoder().encode(pki.rootPem))).toBe('parse');
    const cert = pki.servers.p256.der;
    for (let n = 0; n < cert.length; n++) expect(parseFailure(cert.subarray(0, n))).toBe('parse');
    expect(parseFailure(new Uint8Array([...cert, 0]))).toBe('parse');
  });

  it('throws only CertificateError for random and mutated input', () => {
    const base = pki.servers.rsa2048.der;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const f = parseFailure(bytes);
        expect(f === undefined || f === 'parse').toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = base.slice();
        for (const [at, x] of edits) bytes[at]! ^= x;
        const f = parseFailure(bytes);
        expect(f === undefined || f === 'parse').toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
