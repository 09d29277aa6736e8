import { describe, expect, it } from 'vitest';
import { certificateVerifyInput, isAllowedInCertificateVerify, schemeMatchesKey, signatureAlgorithmFor } from '../../src/crypto/signature-schemes.ts';
import { SignatureScheme } from '../../src/codec/enums.ts';
import { fromUtf8, toHex } from '../../src/bytes/util.ts';
import type { PublicKey, SignatureAlgorithm } from '../../src/crypto/provider.ts';

// RFC 8446 §4.2.3, written out from the RFC rather than read from the code.
const IMPLEMENTED: [keyof typeof SignatureScheme, SignatureAlgorithm][] = [
  ['rsa_pkcs1_sha256', { kind: 'rsa-pkcs1', hash: 'SHA-256' }],
  ['rsa_pkcs1_sha384', { kind: 'rsa-pkcs1', hash: 'SHA-384' }],
  ['rsa_pkcs1_sha512', { kind: 'rsa-pkcs1', hash: 'SHA-512' }],
  ['ecdsa_secp256r1_sha256', { kind: 'ecdsa', hash: 'SHA-256' }],
  ['ecdsa_secp384r1_sha384', { kind: 'ecdsa', hash: 'SHA-384' }],
  ['ecdsa_secp521r1_sha512', { kind: 'ecdsa', hash: 'SHA-512' }],
  ['rsa_pss_rsae_sha256', { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }],
  ['rsa_pss_rsae_sha384', { kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 }],
  ['rsa_pss_rsae_sha512', { kind: 'rsa-pss', hash: 'SHA-512', saltLength: 64 }],
  ['ed25519', { kind: 'ed25519' }],
];

const rsaKey: PublicKey = { kind: 'rsa', modulus: new Uint8Array(256).fill(0xab), exponent: new Uint8Array([1, 0, 1]) };
const p256Key: PublicKey = { kind: 'ecdsa', curve: 'P-256', point: new Uint8Array(65) };
const p384Key: PublicKey = { kind: 'ecdsa', curve: 'P-384', point: new Uint8Array(97) };
const p521Key: PublicKey = { kind: 'ecdsa', curve: 'P-521', point: new Uint8Array(133) };
const edKey: PublicKey = { kind: 'ed25519', key: new Uint8Array(32) };

describe('signatureAlgorithmFor', () => {
  it.each(IMPLEMENTED)('%s', (name, algorithm) => {
    expect(signatureAlgorithmFor(SignatureScheme[name])).toEqual(algorithm);
  });

  it('schemes we do not implement (ed448, rsa_pss_pss_*) and unknown code points have none', () => {
    for (const name of ['ed448', 'rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512'] as const) expect(signatureAlgorithmFor(SignatureScheme[name]), name).toBeUndefined();
    for (const code of [0x0000, 0x0402, 0x0804 + 0x100, 0xfe00, 0xffff]) expect(signatureAlgorithmFor(code)).toBeUndefined();
  });
});

describe('isAllowedInCertificateVerify (RFC 8446 §4.4.3)', () => {
  it('PSS, ECDSA with a curve, Ed25519: yes', () => {
    for (const name of ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512', 'ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512', 'ed25519'] as const) {
      expect(isAllowedInCertificateVerify(SignatureScheme[name]), name).toBe(true);
    }
  });

  it('RSA PKCS#1 v1.5, SHA-1 and unknown schemes: no', () => {
    for (const name of ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512', 'rsa_pkcs1_sha1', 'ecdsa_sha1', 'ed448', 'rsa_pss_pss_sha256'] as const) {
      expect(isAllowedInCertificateVerify(SignatureScheme[name]), name).toBe(false);
    }
    expect(isAllowedInCertificateVerify(0xffff)).toBe(false);
  });
});

describe('schemeMatchesKey', () => {
  it('in TLS 1.3 an ECDSA scheme fixes the curve', () => {
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp256r1_sha256, p256Key)).toBe(true);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp384r1_sha384, p256Key)).toBe(false);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp521r1_sha512, p256Key)).toBe(false);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp384r1_sha384, p384Key)).toBe(true);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp256r1_sha256, p384Key)).toBe(false);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp521r1_sha512, p521Key)).toBe(true);
  });

  it('RSA schemes need an RSA key, Ed25519 an Ed25519 key', () => {
    for (const name of ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha512', 'rsa_pkcs1_sha256']) {
      const scheme = SignatureScheme[name as keyof typeof SignatureScheme];
      expect(schemeMatchesKey(scheme, rsaKey), name).toBe(true);
      expect(schemeMatchesKey(scheme, p256Key), name).toBe(false);
      expect(schemeMatchesKey(scheme, edKey), name).toBe(false);
    }
    expect(schemeMatchesKey(SignatureScheme.ed25519, edKey)).toBe(true);
    expect(schemeMatchesKey(SignatureScheme.ed25519, rsaKey)).toBe(false);
    expect(schemeMatchesKey(SignatureScheme.ed25519, p256Key)).toBe(false);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp256r1_sha256, rsaKey)).toBe(false);
    expect(schemeMatchesKey(SignatureScheme.ecdsa_secp256r1_sha256, edKey)).toBe(false);
  });

  it('unimplemented and unknown schemes match no key', () => {
    for (const key of [rsaKey, p256Key, edKey]) {
      expect(schemeMatchesKey(SignatureScheme.rsa_pss_pss_sha256, key)).toBe(false);
      expect(schemeMatchesKey(SignatureScheme.ed448, key)).toBe(false);
      expect(schemeMatchesKey(0xffff, key)).toBe(false);
    }
  });
});

describe('certificateVerifyInput (RFC 8446 §4.4.3)', () => {
  const hash = new Uint8Array(32).map((_, i) => i);

  it('64 spaces, the context string, a zero byte, the transcript hash', () => {
    for (const side of ['server', 'client'] as const) {
      const input = certificateVerifyInput(side, hash);
      const context = `TLS 1.3, ${side} CertificateVerify`;
      expect(context.length).toBe(33);
      expect(input.length).toBe(64 + 33 + 1 + 32);
      expect(input.subarray(0, 64).every((b) => b === 0x20)).toBe(true);
      expect(fromUtf8(input.subarray(64, 97))).toBe(context);
      expect(input[97]).toBe(0);
      expect(toHex(input.subarray(98))).toBe(toHex(hash));
    }
  });

  it('server and client inputs differ; a SHA-384 hash makes it 146 bytes', () => {
    expect(toHex(certificateVerifyInput('server', hash))).not.toBe(toHex(certificateVerifyInput('client', hash)));
    expect(certificateVerifyInput('server', new Uint8Array(48)).length).toBe(146);
  });

  it('the RFC 8446 §4.4.3 example prefix', () => {
    const input = certificateVerifyInput('server', new Uint8Array([1]));
    expect(toHex(input.subarray(60, 99))).toBe(`${'20'.repeat(4)}544c5320312e332c207365727665722043657274696669636174655665726966790001`);
  });
});
