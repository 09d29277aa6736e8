import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CertificateError, UsageError } from '../../src/errors/index.ts';
import { parseCertificate } from '../../src/x509/certificate.ts';
import { loadCertificates } from '../../src/x509/pem.ts';
import { verifyCertificateChain, type ChainVerifyOptions } from '../../src/x509/verify.ts';
import { createNodeVerifyProvider } from '../support/node-verify-provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { der, type Issuer, makeCert, makeIntermediate, makeKey, makeLeaf, makeRoot, OID } from '../support/make-x509.ts';
import { getTestPki, type ServerKind } from '../support/pki.ts';

const pki = await getTestPki();
// The real default provider; the counting node provider below only counts signature checks.
const provider = nobleProvider;

async function failureOf(presented: readonly Uint8Array[], options: ChainVerifyOptions): Promise<CertificateError> {
  try {
    await verifyCertificateChain(presented, options);
  } catch (e) {
    if (e instanceof CertificateError) return e;
    throw e;
  }
  throw new Error('chain verified but a failure was expected');
}

function subjects(chain: { path: readonly { subject: string }[] }): string[] {
  return chain.path.map((c) => c.subject);
}

const base: ChainVerifyOptions = { trustAnchors: [pki.rootDer], provider, purpose: 'serverAuth' };

describe('the test PKI', () => {
  const kinds: ServerKind[] = ['p256', 'p384', 'ed25519', 'rsa2048'];
  const hosts = ['localhost', 'LOCALHOST.', '127.0.0.1', '::1', '[::1]', 'a.rxtls.test'];
  for (const kind of kinds) {
    it.each(hosts)(`${kind} server chain verifies for %s`, async (host) => {
      const chain = await verifyCertificateChain([pki.servers[kind].der, pki.intermediateDer], { ...base, host });
      expect(subjects(chain)).toEqual([`CN=rxtls test server ${kind},O=rxtls tests`, 'CN=rxtls Test Intermediate CA', 'CN=rxtls Test Root CA']);
      expect(chain.leaf.der).toEqual(pki.servers[kind].der);
    });
  }

  it('the client certificate verifies for clientAuth but not serverAuth', async () => {
    await verifyCertificateChain([pki.client.der, pki.intermediateDer], { ...base, purpose: 'clientAuth' });
    const e = await failureOf([pki.client.der, pki.intermediateDer], base);
    expect([e.failure, e.alertName]).toEqual(['extended-key-usage', 'unsupported_certificate']);
  });

  it.each([
    ['wrongHost', 'localhost', 'hostname-mismatch', 'bad_certificate'],
    ['expired', 'localhost', 'expired', 'certificate_expired'],
    ['notYetValid', 'localhost', 'not-yet-valid', 'certificate_expired'],
    ['unknownCa', 'localhost', 'unknown-ca', 'unknown_ca'],
    ['selfSigned', 'localhost', 'self-signed', 'unknown_ca'],
    ['tamperedSignature', 'localhost', 'bad-signature', 'bad_certificate'],
    ['noServerAuthEku', 'localhost', 'extended-key-usage', 'unsupported_certificate'],
  ] as const)('bad.%s → %s / %s', async (kind, host, failure, alert) => {
    const chainFile = loadCertificates(readFileSync(pki.bad[kind].chainPath, 'utf8'));
    expect(chainFile[0]).toEqual(pki.bad[kind].der);
    const e = await failureOf(chainFile, { ...base, host });
    expect(e.failure).toBe(failure);
    expect(e.alertName).toBe(alert);
    expect(e.message).toMatch(/^tls: /);
  });

  it('a wrong host on a good chain is reported after the chain is found', async () => {
    const e = await failureOf([pki.servers.p256.der, pki.intermediateDer], { ...base, host: 'b.a.rxtls.test' });
    expect(e.failure).toBe('hostname-mismatch');
    expect(e.message).toContain('b.a.rxtls.test');
  });

  it('checks dates against `now`', async () => {
    const expired = pki.bad.expired.der;
    await verifyCertificateChain([expired, pki.intermediateDer], { ...base, now: new Date('2020-06-01T00:00:00Z') });
    const e = await failureOf([pki.servers.p256.der, pki.intermediateDer], { ...base, now: new Date('2019-06-01T00:00:00Z') });
    expect(e.failure).toBe('not-yet-valid');
  });

  it('finds the intermediate among extra options.intermediates', async () => {
    const chain = await verifyCertificateChain([pki.servers.p256.der], { ...base, intermediates: [pki.intermediateDer], host: 'localhost' });
    expect(chain.path).toHaveLength(3);
    const e = await failureOf([pki.servers.p256.der], base);
    expect([e.failure, e.alertName]).toEqual(['unknown-ca', 'unknown_ca']);
  });

  it('accepts a leaf that is itself a trust anchor, still checking its dates and host', async () => {
    const self = pki.bad.selfSigned.der;
    const chain = await verifyCertificateChain([self], { ...base, trustAnchors: [self], host: '127.0.0.1' });
    expect(chain.path).toHaveLength(1);
    const e = await failureOf([self], { ...base, trustAnchors: [self], now: new Date('2100-06-01T00:00:00Z') });
    expect(e.failure).toBe('expired');
  });

  it('rejects a malformed presented certificate as parse, a malformed anchor as UsageError', async () => {
    const e = await failureOf([pki.servers.p256.der, new Uint8Array([0x30, 0x03, 1, 2, 3])], base);
    expect([e.failure, e.alertName]).toEqual(['parse', 'bad_certificate']);
    const empty = await failureOf([], base);
    expect(empty.failure).toBe('empty-chain');
    await expect(verifyCertificateChain([pki.servers.p256.der], { ...base, trustAnchors: [new Uint8Array([1, 2, 3])] })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('path building', () => {
  const root = makeRoot('PB Root');
  const inter1 = makeIntermediate(root, 'PB Intermediate 1');
  const inter2 = makeIntermediate(inter1, 'PB Intermediate 2');
  const leaf = makeLeaf(inter2);
  const unrelated = makeIntermediate(makeRoot('PB Other Root'), 'PB Unrelated');
  const opts: ChainVerifyOptions = { trustAnchors: [root.der], provider, purpose: 'serverAuth', host: 'localhost' };

  it('builds from intermediates in any order, with unrelated extras and the root included', async () => {
    const want = ['CN=localhost', 'CN=PB Intermediate 2', 'CN=PB Intermediate 1', 'CN=PB Root'];
    expect(subjects(await verifyCertificateChain([leaf, inter1.der, inter2.der], opts))).toEqual(want);
    expect(subjects(await verifyCertificateChain([leaf, unrelated.der, inter1.der, root.der, leaf, inter2.der], opts))).toEqual(want);
    expect(subjects(await verifyCertificateChain([leaf, inter1.der], { ...opts, intermediates: [unrelated.der, inter2.der] }))).toEqual(want);
  });

  it('finds the cross-signed path when the first candidate issuer leads nowhere', async () => {
    // The same intermediate name and key, issued once by an untrusted root and once by the trusted one.
    const oldRoot = makeRoot('PB Old Root');
    const newRoot = makeRoot('PB New Root');
    const key = makeKey();
    const viaOld = makeIntermediate(oldRoot, 'PB Cross', { key });
    const viaNew = makeIntermediate(newRoot, 'PB Cross', { key });
    const crossLeaf = makeLeaf(viaOld);
    const chain = await verifyCertificateChain([crossLeaf, viaOld.der, viaNew.der], { ...opts, trustAnchors: [newRoot.der] });
    expect(subjects(chain)).toEqual(['CN=localhost', 'CN=PB Cross', 'CN=PB New Root']);
    expect(chain.path[1]!.der).toEqual(viaNew.der);
  });

  it('tries the next candidate when the first same-named issuer has the wrong key', async () => {
    // No key identifiers, so only the Name guides the choice and the impostor (sent first) is tried first.
    const impostor = makeIntermediate(makeRoot('PB Root'), 'PB Intermediate 2', { noKeyIds: true });
    const plainLeaf = makeLeaf(inter2, { noKeyIds: true });
    const counting = createNodeVerifyProvider();
    const chain = await verifyCertificateChain([plainLeaf, impostor.der, inter2.der, inter1.der], { ...opts, provider: counting });
    expect(chain.path[1]!.der).toEqual(inter2.der);
    expect(counting.verifyCalls).toBe(4); // impostor (fails), inter2, inter1, root
  });

  it('prefers the issuer whose subjectKeyIdentifier matches the authorityKeyIdentifier', async () => {
    const impostor = makeIntermediate(makeRoot('PB Root'), 'PB Intermediate 2');
    const counting = createNodeVerifyProvider();
    await verifyCertificateChain([leaf, impostor.der, inter2.der, inter1.der], { ...opts, provider: counting });
    expect(counting.verifyCalls).toBe(3);
  });

  it('reports the failure of the path that got furthest', async () => {
    // A valid path to the anchor whose intermediate is expired beats the dead end through `unrelated`.
    const expiredInter = makeIntermediate(root, 'PB Expired', { notAfter: new Date('2021-01-01T00:00:00Z') });
    const e = await failureOf([makeLeaf(expiredInter), expiredInter.der, unrelated.der], opts);
    expect([e.failure, e.alertName]).toEqual(['expired', 'certificate_expired']);
    expect(e.message).toContain('PB Expired');
  });

  it('enforces pathLenConstraint', async () => {
    const r = makeRoot('PL Root', { ca: 1 });
    const a = makeIntermediate(r, 'PL A', { ca: 0 });
    const b = makeIntermediate(a, 'PL B');
    const ok = await verifyCertificateChain([makeLeaf(a), a.der], { ...opts, trustAnchors: [r.der] });
    expect(ok.path).toHaveLength(3);
    const e = await failureOf([makeLeaf(b), b.der, a.der], { ...opts, trustAnchors: [r.der] });
    expect([e.failure, e.alertName]).toEqual(['path-length', 'bad_certificate']);
    expect(e.message).toContain('PL A');
    // The root's own limit of 1 intermediate: two below it fail even with an unconstrained middle.
    const m = makeIntermediate(r, 'PL M');
    const n = makeIntermediate(m, 'PL N');
    const rootLimit = await failureOf([makeLeaf(n), n.der, m.der], { ...opts, trustAnchors: [r.der] });
    expect(rootLimit.failure).toBe('path-length');
    expect(rootLimit.message).toContain('PL Root');
  });

  it('rejects an issuer without CA basicConstraints or without keyCertSign', async () => {
    const notCa = makeIntermediate(root, 'NC Not A CA', { ca: false });
    const e1 = await failureOf([makeLeaf(notCa), notCa.der], opts);
    expect([e1.failure, e1.alertName]).toEqual(['not-a-ca', 'bad_certificate']);
    const noBc = makeIntermediate(root, 'NC No BC', { ca: undefined });
    expect((await failureOf([makeLeaf(noBc), noBc.der], opts)).failure).toBe('not-a-ca');
    const noSign = makeIntermediate(root, 'NC No keyCertSign', { keyUsage: ['digitalSignature'] });
    expect((await failureOf([makeLeaf(noSign), noSign.der], opts)).failure).toBe('key-usage');
  });

  it('requires digitalSignature in a leaf keyUsage', async () => {
    const e = await failureOf([makeLeaf(inter2, { keyUsage: ['keyEncipherment'] }), inter2.der, inter1.der], opts);
    expect([e.failure, e.alertName]).toEqual(['key-usage', 'unsupported_certificate']);
  });

  it('accepts anyExtendedKeyUsage and no EKU; honours an intermediate EKU restriction', async () => {
    await verifyCertificateChain([makeLeaf(inter2, { eku: [OID.anyEku] }), inter2.der, inter1.der], opts);
    await verifyCertificateChain([makeLeaf(inter2, { eku: undefined }), inter2.der, inter1.der], opts);
    const clientOnly = makeIntermediate(root, 'EKU client CA', { eku: [OID.clientAuth] });
    const e = await failureOf([makeLeaf(clientOnly), clientOnly.der], opts);
    expect(e.failure).toBe('extended-key-usage');
    expect(e.message).toContain('EKU client CA');
  });

  it('rejects an unknown critical extension (but ignores a non-critical one)', async () => {
    const crit = makeLeaf(inter2, { extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: der.null() }] });
    const e = await failureOf([crit, inter2.der, inter1.der], opts);
    expect([e.failure, e.alertName]).toEqual(['unsupported', 'unsupported_certificate']);
    const nonCrit = makeLeaf(inter2, { extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', value: der.null() }] });
    await verifyCertificateChain([nonCrit, inter2.der, inter1.der], opts);
  });

  it('verifies RSA PKCS#1 and RSA-PSS signatures', async () => {
    const rsaRoot = makeRoot('RSA Root', { key: makeKey('rsa2048') });
    const hashId = der.seq(der.oid('2.16.840.1.101.3.4.2.1'));
    const pssId = der.seq(der.oid('1.2.840.113549.1.1.10'), der.seq(der.ctx(0, true, hashId), der.ctx(1, true, der.seq(der.oid('1.2.840.113549.1.1.8'), hashId)), der.ctx(2, true, der.int(32))));
    const pssLeaf = makeLeaf(rsaRoot, { signatureAlgorithm: { id: pssId, hash: 'sha256', pssSaltLength: 32 } });
    expect(parseCertificate(pssLeaf).signatureAlgorithm).toEqual({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 });
    await verifyCertificateChain([pssLeaf], { ...opts, trustAnchors: [rsaRoot.der] });
    await verifyCertificateChain([makeLeaf(rsaRoot)], { ...opts, trustAnchors: [rsaRoot.der] });
  });

  it('reports an unsupported signature algorithm', async () => {
    const sha1 = makeLeaf(inter2, { signatureAlgorithm: { id: der.seq(der.oid('1.2.840.10045.4.1')), hash: 'sha1' } });
    const e = await failureOf([sha1, inter2.der, inter1.der], opts);
    expect([e.failure, e.alertName]).toEqual(['unsupported', 'unsupported_certificate']);
  });
});

describe('name constraints', () => {
  const root = makeRoot('NCR Root');
  const constrained = makeIntermediate(root, 'NCR Constrained', {
    nameConstraints: { permittedDns: ['rxtls.test'], excludedDns: ['secret.rxtls.test'], permittedIp: ['127.0.0.0/8'] },
  });
  const opts: ChainVerifyOptions = { trustAnchors: [root.der], provider, purpose: 'serverAuth' };

  it('accepts names inside the permitted subtrees', async () => {
    await verifyCertificateChain([makeLeaf(constrained, { dns: ['rxtls.test', 'www.rxtls.test', '*.rxtls.test'], ips: ['127.0.0.1'] }), constrained.der], opts);
  });

  it.each([
    ['a DNS name outside the permitted subtree', { dns: ['www.example.com'] }],
    ['a look-alike suffix', { dns: ['evilrxtls.test'] }],
    ['one bad name among good ones', { dns: ['a.rxtls.test', 'rxtls.test.evil'] }],
    ['an excluded subtree', { dns: ['a.secret.rxtls.test'] }],
    ['a wildcard over the excluded subtree', { dns: ['*.secret.rxtls.test'] }],
    ['an IP outside the permitted range', { dns: ['a.rxtls.test'], ips: ['10.0.0.1'] }],
    ['an IPv6 address under an IPv4-only constraint', { dns: ['a.rxtls.test'], ips: ['::1'] }],
  ])('rejects %s', async (_, names) => {
    const e = await failureOf([makeLeaf(constrained, names), constrained.der], opts);
    expect([e.failure, e.alertName]).toEqual(['name-constraints', 'bad_certificate']);
    expect(e.message).toContain('NCR Constrained');
  });

  it('applies to certificates further down, through an unconstrained intermediate', async () => {
    const below = makeIntermediate(constrained, 'NCR Below');
    const e = await failureOf([makeLeaf(below, { dns: ['www.example.com'] }), below.der, constrained.der], opts);
    expect(e.failure).toBe('name-constraints');
  });

  it('fails closed on a constraint form it does not evaluate', async () => {
    // permittedSubtrees with an rfc822Name base.
    const email = der.seq(der.ctx(0, true, der.seq(der.ctx(1, false, new TextEncoder().encode('rxtls.test')))));
    const odd = makeIntermediate(root, 'NCR Email', { extraExtensions: [{ oid: OID.nameConstraints, critical: true, value: email }] });
    const e = await failureOf([makeLeaf(odd), odd.der], opts);
    expect(e.failure).toBe('name-constraints');
  });
});

describe('hostile certificate graphs', () => {
  it('a cycle A → B → C → A ends with unknown_ca, quickly', async () => {
    const keys = { A: makeKey(), B: makeKey(), C: makeKey() };
    const node = (cn: 'A' | 'B' | 'C', by: 'A' | 'B' | 'C'): Uint8Array =>
      makeCert({ subject: { cn }, key: keys[cn], issuer: { name: { cn: by }, key: keys[by] }, ca: true, keyUsage: ['keyCertSign'] });
    const a = node('A', 'C'); // C signs A
    const b = node('B', 'A'); // A signs B
    const c = node('C', 'B'); // B signs C
    const leaf = makeLeaf({ name: { cn: 'A' }, key: keys.A, der: a } satisfies Issuer);
    const counting = createNodeVerifyProvider();
    const started = performance.now();
    const e = await failureOf([leaf, a, b, c], { trustAnchors: [makeRoot('Cycle Root').der], provider: counting });
    expect(performance.now() - started).toBeLessThan(2000);
    expect([e.failure, e.alertName]).toEqual(['unknown-ca', 'unknown_ca']);
    expect(counting.verifyCalls).toBeLessThanOrEqual(4);
  });

  it('a dense graph of cross-signed same-name CAs stops at the signature budget', async () => {
    const keys = Array.from({ length: 5 }, () => makeKey());
    const name = { cn: 'Mesh CA' };
    const certs: Uint8Array[] = [];
    for (const [i, key] of keys.entries()) {
      for (const [j, signer] of keys.entries()) {
        if (i !== j) certs.push(makeCert({ subject: name, key, issuer: { name, key: signer }, ca: true, noKeyIds: true }));
      }
    }
    const leaf = makeLeaf({ name, key: keys[0]!, der: certs[0]! }, { noKeyIds: true });
    const counting = createNodeVerifyProvider();
    const started = performance.now();
    const e = await failureOf([leaf, ...certs], { trustAnchors: [makeRoot('Mesh Root').der], provider: counting, maxSignatureChecks: 40 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect([e.failure, e.alertName]).toEqual(['path-budget', 'bad_certificate']);
    expect(counting.verifyCalls).toBe(40);
  });

  it('stops at maxPathLength', async () => {
    const root = makeRoot('Long Root');
    let top: Issuer = root;
    const inters: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      top = makeIntermediate(top, `Long ${i}`);
      inters.push(top.der);
    }
    const leaf = makeLeaf(top);
    await verifyCertificateChain([leaf, ...inters], { trustAnchors: [root.der], provider, maxPathLength: 7 });
    const e = await failureOf([leaf, ...inters], { trustAnchors: [root.der], provider, maxPathLength: 6 });
    expect(e.failure).toBe('path-length');
  });
});

describe('stricter defaults (CA/Browser Forum profile, RFC 5280)', () => {
  const root = makeRoot('SD Root');
  const inter = makeIntermediate(root, 'SD Intermediate');
  const opts: ChainVerifyOptions = { trustAnchors: [root.der], provider, purpose: 'serverAuth', host: 'localhost' };

  it('RSA keys under 2048 bits are refused anywhere in the path: leaf, intermediate, trust anchor', async () => {
    const weakLeaf = await failureOf([makeLeaf(inter, { key: makeKey('rsa1024') }), inter.der], opts);
    expect([weakLeaf.failure, weakLeaf.alertName]).toEqual(['weak-key', 'bad_certificate']);
    expect(weakLeaf.message).toMatch(/1024-bit RSA key/);
    const weakInter = makeIntermediate(root, 'SD Weak Intermediate', { key: makeKey('rsa1024') });
    expect((await failureOf([makeLeaf(weakInter), weakInter.der], opts)).failure).toBe('weak-key');
    const weakRoot = makeRoot('SD Weak Root', { key: makeKey('rsa1024') });
    const under = makeIntermediate(weakRoot, 'SD Under Weak Root');
    expect((await failureOf([makeLeaf(under), under.der], { ...opts, trustAnchors: [weakRoot.der] })).failure).toBe('weak-key');
    // 2048 bits is fine.
    await verifyCertificateChain([makeLeaf(inter, { key: makeKey('rsa2048') }), inter.der], opts);
  });

  it('curves other than P-256, P-384, P-521 and Ed25519 are refused, on the leaf and on the trust anchor', async () => {
    const k1Leaf = await failureOf([makeLeaf(inter, { key: makeKey('secp256k1') }), inter.der], opts);
    expect([k1Leaf.failure, k1Leaf.alertName]).toEqual(['weak-key', 'unsupported_certificate']);
    const k1Root = makeRoot('SD secp256k1 Root', { key: makeKey('secp256k1') });
    // The anchor's key is what verifies the intermediate: refused before any signature is checked.
    const under = makeIntermediate(k1Root, 'SD Under k1 Root');
    const e = await failureOf([makeLeaf(under), under.der], { ...opts, trustAnchors: [k1Root.der] });
    expect([e.failure, e.alertName]).toEqual(['unsupported', 'unsupported_certificate']);
    expect(e.message).toMatch(/SD secp256k1 Root.*unsupported public key/);
  });

  it('an unknown critical extension fails the path, on the trust anchor too', async () => {
    const critical = { oid: '1.3.6.1.4.1.99999.1', critical: true, value: der.null() };
    const e1 = await failureOf([makeLeaf(inter, { extraExtensions: [critical] }), inter.der], opts);
    expect([e1.failure, e1.alertName]).toEqual(['unsupported', 'unsupported_certificate']);
    const strictRoot = makeRoot('SD Critical Root', { extraExtensions: [critical] });
    const under = makeIntermediate(strictRoot, 'SD Under Critical Root');
    const e2 = await failureOf([makeLeaf(under), under.der], { ...opts, trustAnchors: [strictRoot.der] });
    expect(e2.failure).toBe('unsupported');
    expect(e2.message).toMatch(/SD Critical Root/);
    // Not critical: ignored.
    const lenientRoot = makeRoot('SD Lenient Root', { extraExtensions: [{ ...critical, critical: false }] });
    const under2 = makeIntermediate(lenientRoot, 'SD Under Lenient Root');
    await verifyCertificateChain([makeLeaf(under2), under2.der], { ...opts, trustAnchors: [lenientRoot.der] });
  });

  it('an expired trust anchor is not used, and path building finds the cross-signed path (the 2021 root expiry)', async () => {
    // Old root "SD X Root" (expired) and new root "SD New Root". The intermediate is issued by
    // the name "SD X Root"; a cross-certificate of the same name and key, signed by the new
    // root, is sent along (as servers did with ISRG Root X1 cross-signed by DST Root CA X3).
    const xKey = makeKey('p256');
    const oldRoot = makeRoot('SD X Root', { key: xKey, notBefore: new Date('2000-01-01T00:00:00Z'), notAfter: new Date('2021-09-30T14:01:15Z') });
    const newRoot = makeRoot('SD New Root');
    const cross = makeCert({ subject: { cn: 'SD X Root' }, key: xKey, issuer: newRoot, ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
    const intermediate = makeIntermediate(oldRoot, 'SD Issuing CA');
    const leaf = makeLeaf(intermediate);
    const chain = await verifyCertificateChain([leaf, intermediate.der, cross], { ...opts, trustAnchors: [oldRoot.der, newRoot.der] });
    expect(subjects(chain)).toEqual(['CN=localhost', 'CN=SD Issuing CA', 'CN=SD X Root', 'CN=SD New Root']);
    // With only the expired root trusted there is no path: the anchor's dates count.
    const e = await failureOf([leaf, intermediate.der, cross], { ...opts, trustAnchors: [oldRoot.der] });
    expect(e.failure).toBe('expired');
    expect(e.message).toMatch(/SD X Root/);
  });

  it('a leaf asserting keyCertSign without being a CA fails', async () => {
    const e = await failureOf([makeLeaf(inter, { keyUsage: ['digitalSignature', 'keyCertSign'] }), inter.der], opts);
    expect([e.failure, e.alertName]).toEqual(['key-usage', 'bad_certificate']);
    expect(e.message).toMatch(/keyCertSign/);
  });

  it('name constraints: the work is bounded (names × subtrees), a crafted chain is refused before any comparison', async () => {
    const permittedDns = Array.from({ length: 300 }, (_, i) => `p${i}.example`);
    const constrained = makeIntermediate(root, 'SD Many Subtrees', { nameConstraints: { permittedDns } });
    const dns = Array.from({ length: 300 }, (_, i) => `h${i}.p${i}.example`);
    const e = await failureOf([makeLeaf(constrained, { dns: ['localhost', ...dns] }), constrained.der], { trustAnchors: [root.der], provider, purpose: 'serverAuth' });
    expect(e.failure).toBe('name-constraints');
    expect(e.message).toMatch(/\d+ comparisons \(limit 65536\)/);
    // A realistic constrained chain is checked as before.
    const small = makeIntermediate(root, 'SD Few Subtrees', { nameConstraints: { permittedDns: ['example', 'localhost'] } });
    await verifyCertificateChain([makeLeaf(small, { dns: ['localhost', 'a.example'] }), small.der], opts);
  });
});
