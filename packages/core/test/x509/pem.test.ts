import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateError } from '../../src/errors/index.ts';
import { decodePem, encodePem, loadCertificates } from '../../src/x509/pem.ts';
import { getTestPki } from '../support/pki.ts';

const pki = await getTestPki();

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('PEM', () => {
  it('decodes what openssl/node wrote, byte for byte', () => {
    const [der] = decodePem(pki.rootPem);
    expect(der).toEqual(new Uint8Array(new X509Certificate(pki.rootPem).raw));
  });

  it('encodes PEM that node reads back, 64-column lines', () => {
    const pem = encodePem(pki.intermediateDer, 'CERTIFICATE');
    expect(new Uint8Array(new X509Certificate(pem).raw)).toEqual(pki.intermediateDer);
    for (const line of pem.trim().split('\n')) expect(line.length).toBeLessThanOrEqual(64);
    expect(pem).toBe(pki.intermediatePem);
  });

  it('round-trips every length modulo 3', () => {
    for (let n = 1; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(decodePem(encodePem(bytes, 'X'), 'X')).toEqual([bytes]);
    }
  });

  it('finds all blocks of the label, in order, skipping text and other labels', () => {
    const text = `comment\n${pki.servers.p256.certPem}\n${pki.servers.p256.keyPem}junk\r\n${pki.intermediatePem.replace(/\n/g, '\r\n')}`;
    expect(decodePem(text)).toEqual([pki.servers.p256.der, pki.intermediateDer]);
    expect(decodePem(text, 'PRIVATE KEY')).toHaveLength(1);
    expect(decodePem('nothing here')).toEqual([]);
  });

  it.each([
    ['bad character', '-----BEGIN CERTIFICATE-----\nMII!\n-----END CERTIFICATE-----\n'],
    ['bad length', '-----BEGIN CERTIFICATE-----\nMIIB1\n-----END CERTIFICATE-----\n'],
    ['padding inside', '-----BEGIN CERTIFICATE-----\nMI=BMIIB\n-----END CERTIFICATE-----\n'],
    ['empty body', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'],
    ['unterminated', '-----BEGIN CERTIFICATE-----\nMIIB\n'],
  ])('rejects a block with %s', (_, text) => {
    const e = thrown(() => decodePem(text));
    expect(e).toBeInstanceOf(CertificateError);
    expect((e as CertificateError).failure).toBe('parse');
  });
});

describe('loadCertificates', () => {
  it('takes PEM text, PEM bytes, DER bytes, concatenated DER and lists of them', () => {
    const chainPem = pki.servers.p256.certPem + pki.intermediatePem;
    const want = [pki.servers.p256.der, pki.intermediateDer];
    expect(loadCertificates(chainPem)).toEqual(want);
    expect(loadCertificates(new TextEncoder().encode(chainPem))).toEqual(want);
    expect(loadCertificates(pki.servers.p256.der)).toEqual([pki.servers.p256.der]);
    const joined = new Uint8Array([...pki.servers.p256.der, ...pki.intermediateDer]);
    expect(loadCertificates(joined)).toEqual(want);
    expect(loadCertificates([pki.servers.p256.certPem, pki.intermediateDer])).toEqual(want);
  });

  it.each([
    ['text without a certificate', 'hello'],
    ['truncated DER', pki.rootDer.subarray(0, pki.rootDer.length - 1)],
    ['DER with trailing garbage', new Uint8Array([...pki.rootDer, 0x30])],
  ])('rejects %s', (_, input) => {
    const e = thrown(() => loadCertificates(input));
    expect(e).toBeInstanceOf(CertificateError);
    expect((e as CertificateError).failure).toBe('parse');
  });
});
