/**
 * Certificate parsing and path building (RFC 5280): the input is a chain, each certificate
 * preceded by its 2-byte length, leaf first, validated against the fuzz root for "localhost".
 * Path building is async (signature checks may be), so this target is too.
 */
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { loadCertificates } from '../../src/x509/pem.ts';
import { parseCertificate } from '../../src/x509/certificate.ts';
import { verifyCertificateChain } from '../../src/x509/verify.ts';
import { ROOT_PEM } from '../fixtures.ts';
import { expectTyped, expectTypedAsync } from '../harness.ts';

const ANCHORS = loadCertificates(ROOT_PEM);
const NOW = new Date('2030-01-01T00:00:00Z');

/** `[len16][der]...` → the DER certificates (a truncated tail is dropped). */
export function splitChain(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + 2 <= data.length && out.length < 8; ) {
    const length = (data[at]! << 8) | data[at + 1]!;
    out.push(data.subarray(at + 2, Math.min(data.length, at + 2 + length)));
    at += 2 + length;
  }
  return out;
}

export async function fuzz(data: Uint8Array): Promise<void> {
  const chain = splitChain(data);
  if (chain.length === 0) return;
  for (const der of chain) expectTyped(() => parseCertificate(der));
  await expectTypedAsync(() => verifyCertificateChain(chain, { trustAnchors: ANCHORS, provider: nobleProvider, host: 'localhost', purpose: 'serverAuth', now: NOW }));
}
