import { describe, expect, it } from 'vitest';
import { CertificateCache, derKey } from '../../src/x509/cache.ts';
import { verifyCertificateChain } from '../../src/x509/verify.ts';
import { CertificateError } from '../../src/errors/tls-error.ts';
import { decodePem } from '../../src/x509/pem.ts';
import { getTestPki } from '../support/pki.ts';
import { createNodeVerifyProvider } from '../support/node-verify-provider.ts';

const pki = await getTestPki();
const chain = [pki.servers.p256.der, pki.intermediateDer];
const anchors = [pki.rootDer];

describe('CertificateCache', () => {
  it('a second validation of the same chain parses nothing and checks no signature again', async () => {
    const cache = new CertificateCache();
    const provider = createNodeVerifyProvider();
    await verifyCertificateChain(chain, { trustAnchors: anchors, host: 'localhost', provider, cache });
    expect(provider.verifyCalls).toBe(2);
    const again = await verifyCertificateChain(chain, { trustAnchors: anchors, host: 'localhost', provider, cache });
    expect(provider.verifyCalls).toBe(2);
    expect(again.path.map((c) => c.subject)).toHaveLength(3);
    expect(cache.parse(chain[0]!)).toBe(again.leaf); // the same parsed object
  });

  it('still checks the host, the time and the purpose on every call', async () => {
    const cache = new CertificateCache();
    const provider = createNodeVerifyProvider();
    await verifyCertificateChain(chain, { trustAnchors: anchors, host: 'localhost', provider, cache });
    await expect(verifyCertificateChain(chain, { trustAnchors: anchors, host: 'other.example', provider, cache })).rejects.toMatchObject({ failure: 'hostname-mismatch' });
    await expect(verifyCertificateChain(chain, { trustAnchors: anchors, now: new Date('2200-01-01'), provider, cache })).rejects.toMatchObject({ failure: 'expired' });
    await expect(verifyCertificateChain(chain, { trustAnchors: anchors, purpose: 'clientAuth', provider, cache })).rejects.toBeInstanceOf(CertificateError);
  });

  it('does not remember a signature that failed', async () => {
    const cache = new CertificateCache();
    const provider = createNodeVerifyProvider();
    const tampered = [pki.bad.tamperedSignature.der, pki.intermediateDer];
    await expect(verifyCertificateChain(tampered, { trustAnchors: anchors, provider, cache })).rejects.toMatchObject({ failure: 'bad-signature' });
    const calls = provider.verifyCalls;
    await expect(verifyCertificateChain(tampered, { trustAnchors: anchors, provider, cache })).rejects.toMatchObject({ failure: 'bad-signature' });
    expect(provider.verifyCalls).toBeGreaterThan(calls);
  });

  it('stays within its bound', () => {
    const cache = new CertificateCache(2);
    const ders = [pki.servers.p256.der, pki.servers.p384.der, pki.servers.ed25519.der];
    const first = cache.parse(ders[0]!);
    cache.parse(ders[1]!);
    cache.parse(ders[2]!);
    expect(cache.parse(ders[0]!)).not.toBe(first); // evicted, parsed again
  });

  it('derKey is exact: different bytes, different keys', () => {
    const [root] = decodePem(pki.rootPem);
    const changed = root!.slice();
    changed[100]! ^= 1;
    expect(derKey(root!)).not.toBe(derKey(changed));
    expect(derKey(root!)).toBe(derKey(root!.slice()));
  });
});
