// loadPrivateKey: keys made by node:crypto (OpenSSL) in every format it writes (PKCS#8, SEC1,
// PKCS#1; PEM and DER) give node's public key and a PKCS#8 that node imports as the same key;
// hand-built variants (no public key, short scalar, PKCS#8 v2) load or are refused as they
// should; encrypted, garbage and mutated input end in UsageError and nothing else.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey } from '../../src/x509/keys.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import type { PrivateKey } from '../../src/crypto/provider.ts';
import { publicKeyOf } from '../crypto/signature-fixtures.ts';

type KeyType = 'P-256' | 'P-384' | 'P-521' | 'ed25519' | 'rsa2048' | 'rsa3072';

function generate(type: KeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  if (type === 'ed25519') return generateKeyPairSync('ed25519');
  if (type === 'rsa2048' || type === 'rsa3072') return generateKeyPairSync('rsa', { modulusLength: type === 'rsa2048' ? 2048 : 3072 });
  return generateKeyPairSync('ec', { namedCurve: type });
}

const PAIRS = Object.fromEntries((['P-256', 'P-384', 'P-521', 'ed25519', 'rsa2048', 'rsa3072'] as const).map((t) => [t, generate(t)])) as Record<KeyType, ReturnType<typeof generate>>;

/** The formats node:crypto writes for each key type. */
function formatsOf(type: KeyType): readonly ('pkcs8' | 'sec1' | 'pkcs1')[] {
  if (type === 'ed25519') return ['pkcs8'];
  if (type.startsWith('rsa')) return ['pkcs8', 'pkcs1'];
  return ['pkcs8', 'sec1'];
}

const CASES = (Object.keys(PAIRS) as KeyType[]).flatMap((type) => formatsOf(type).flatMap((format) => (['pem', 'der'] as const).map((encoding) => [type, format, encoding] as const)));

/** The private key material of a KeyObject, as node's JWK (d for EC/OKP, d/p/q for RSA). */
function secretOf(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return `${jwk.d}/${jwk.p ?? ''}/${jwk.q ?? ''}`;
}

/** Expect loading `input` to throw a UsageError whose message matches `pattern`. */
function refused(input: string | Uint8Array, pattern: RegExp = /private key/): UsageError {
  let caught: unknown;
  try {
    loadPrivateKey(input);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a UsageError').toBeInstanceOf(UsageError);
  expect((caught as Error).message).toMatch(pattern);
  return caught as UsageError;
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pem = (label: string, der: Uint8Array): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

/** DER TLV with a short or one- or two-byte long-form length (enough for the keys here). */
function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/**
 * Whether the numbers of an RSA PKCS#8 key belong together (RFC 8017 §3.2): n = p·q,
 * d·e ≡ 1 mod p−1 and mod q−1, and the CRT values are d mod p−1, d mod q−1 and q⁻¹ mod p.
 */
function rsaNumbersBelongTogether(pkcs8: Uint8Array): boolean {
  const info = asn1js.fromBER(pkcs8).result as asn1js.Sequence;
  const inner = (info.valueBlock.value[2] as asn1js.OctetString).valueBlock.valueHexView;
  const fields = (asn1js.fromBER(inner).result as asn1js.Sequence).valueBlock.value;
  // RSAPrivateKey (RFC 8017 §A.1.2): version, n, e, d, p, q, dP, dQ, qInv.
  const int = (i: number): bigint => BigInt(`0x${Buffer.from((fields[i] as asn1js.Integer).valueBlock.valueHexView).toString('hex')}`);
  const [n, e, d, p, q, dp, dq, qinv] = [int(1), int(2), int(3), int(4), int(5), int(6), int(7), int(8)] as const;
  return n === p * q && (d * e) % (p - 1n) === 1n && (d * e) % (q - 1n) === 1n && dp === d % (p - 1n) && dq === d % (q - 1n) && (qinv * q) % p === 1n;
}

const P256_OID = hex('06082a8648ce3d030107');
const EC_PUBLIC_KEY_OID = hex('06072a8648ce3d0201');
const RSASSA_PSS_OID = hex('06092a864886f70d01010a'); // 1.2.840.113549.1.1.10
const b64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

/** A SEC1 ECPrivateKey for P-256 built by hand: the scalar as given, optional curve and public key. */
function sec1(scalar: Uint8Array, options: { curve?: boolean; point?: Uint8Array } = {}): Buffer {
  const parts = [hex('020101'), tlv(0x04, scalar)];
  if (options.curve !== false) parts.push(tlv(0xa0, P256_OID));
  if (options.point) parts.push(tlv(0xa1, tlv(0x03, Buffer.from([0]), options.point)));
  return tlv(0x30, ...parts);
}

function ecPoint(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]);
}

describe('loadPrivateKey: keys written by node:crypto', () => {
  it.each(CASES)('%s as %s %s: node\'s public key, and a PKCS#8 node imports as the same key', (type, format, encoding) => {
    const { privateKey, publicKey } = PAIRS[type];
    const exported = privateKey.export({ format: encoding, type: format } as never) as string | Buffer;
    const key = loadPrivateKey(typeof exported === 'string' ? exported : new Uint8Array(exported));
    expect(key.publicKey).toEqual(publicKeyOf(publicKey));
    const reimported = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' });
    expect(secretOf(reimported)).toBe(secretOf(privateKey));
    expect(publicKeyOf(createPublicKey(reimported))).toEqual(key.publicKey);
  });

  it('fills the key fields: kind, curve, scalar or seed, modulus size', () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
      const key = loadPrivateKey(PAIRS[curve].privateKey.export({ format: 'pem', type: 'sec1' }) as string);
      expect(key.kind === 'ecdsa' && key.curve).toBe(curve);
      if (key.kind === 'ecdsa') expect(Buffer.from(key.scalar).equals(b64u(PAIRS[curve].privateKey.export({ format: 'jwk' }).d))).toBe(true);
    }
    const ed = loadPrivateKey(PAIRS.ed25519.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    expect(ed.kind === 'ed25519' && Buffer.from(ed.seed).equals(b64u(PAIRS.ed25519.privateKey.export({ format: 'jwk' }).d))).toBe(true);
    const rsa3072 = loadPrivateKey(PAIRS.rsa3072.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string);
    expect(rsa3072.kind === 'rsa' && rsa3072.modulusBits).toBe(3072);
  });

  it('PEM bytes load like PEM text; other blocks around the key are skipped', () => {
    const text = PAIRS['P-256'].privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    const expected = loadPrivateKey(text);
    expect(loadPrivateKey(new TextEncoder().encode(text))).toEqual(expected);
    // openssl ecparam -genkey writes the parameters first; a bundle may hold a certificate too.
    const bundle = `comment line\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${text}-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n`;
    expect(loadPrivateKey(bundle)).toEqual(expected);
  });
});

describe('loadPrivateKey: hand-built keys', () => {
  const { privateKey, publicKey } = PAIRS['P-256'];
  const scalar = b64u(privateKey.export({ format: 'jwk' }).d);

  it('a SEC1 key without its public key: the public key is computed', () => {
    const key = loadPrivateKey(pem('EC PRIVATE KEY', sec1(scalar)));
    expect(key.publicKey).toEqual(publicKeyOf(publicKey));
    expect(secretOf(createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' }))).toBe(secretOf(privateKey));
  });

  it('a SEC1 key whose scalar lost its leading zero bytes is padded back', () => {
    let pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    while (b64u(pair.privateKey.export({ format: 'jwk' }).d)[0] !== 0) pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = b64u(pair.privateKey.export({ format: 'jwk' }).d);
    const key = loadPrivateKey(new Uint8Array(sec1(d.subarray(1))));
    expect(key.kind === 'ecdsa' && Buffer.from(key.scalar).equals(d)).toBe(true);
    expect(key.publicKey).toEqual(publicKeyOf(pair.publicKey));
  });

  it('a SEC1 key with a compressed public key that matches loads', () => {
    const point = ecPoint(publicKey);
    const compressed = Buffer.concat([Buffer.from([2 + (point[64]! & 1)]), point.subarray(1, 33)]);
    expect(loadPrivateKey(pem('EC PRIVATE KEY', sec1(scalar, { point: compressed }))).publicKey).toEqual(publicKeyOf(publicKey));
    compressed[0]! ^= 1; // the other Y
    refused(pem('EC PRIVATE KEY', sec1(scalar, { point: compressed })), /does not belong to its private key/);
  });

  it('a SEC1 key whose public key belongs to another key is refused', () => {
    const other = ecPoint(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    refused(pem('EC PRIVATE KEY', sec1(scalar, { point: other })), /does not belong to its private key/);
  });

  it('a SEC1 key that does not name its curve is refused', () => {
    refused(pem('EC PRIVATE KEY', sec1(scalar, { curve: false })), /does not name its curve/);
  });

  it('EC scalars of 0, n or too many bytes are refused', () => {
    refused(pem('EC PRIVATE KEY', sec1(new Uint8Array(32))), /not a scalar in \[1, n-1\]/);
    refused(pem('EC PRIVATE KEY', sec1(hex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'))), /not a scalar/);
    refused(pem('EC PRIVATE KEY', sec1(Buffer.concat([Buffer.from([1]), scalar]))), /P-256 private key is 32 bytes, got 33/);
  });

  it('PKCS#8 v2 (OneAsymmetricKey) Ed25519 with its public key: loads when it matches, refused when not', () => {
    const jwk = PAIRS.ed25519.privateKey.export({ format: 'jwk' });
    const v2 = (pub: Buffer): Buffer => tlv(0x30, hex('020101'), tlv(0x30, hex('06032b6570')), tlv(0x04, tlv(0x04, b64u(jwk.d))), tlv(0x81, Buffer.from([0]), pub));
    expect(loadPrivateKey(new Uint8Array(v2(b64u(jwk.x)))).publicKey).toEqual(publicKeyOf(PAIRS.ed25519.publicKey));
    const wrong = b64u(jwk.x);
    wrong[0]! ^= 1;
    refused(pem('PRIVATE KEY', v2(wrong)), /does not belong to its private key/);
  });

  it('a PKCS#8 EC key whose inner parameters name another curve is refused', () => {
    const inner = tlv(0x30, hex('020101'), tlv(0x04, scalar), tlv(0xa0, hex('06052b81040022')));
    const p8 = tlv(0x30, hex('020100'), tlv(0x30, EC_PUBLIC_KEY_OID, P256_OID), tlv(0x04, inner));
    refused(pem('PRIVATE KEY', p8), /P-384 inside and P-256 outside/);
  });
});

describe('loadPrivateKey: refused input', () => {
  it('encrypted keys: PKCS#8 PEM and DER, legacy OpenSSL PEM', () => {
    const options = { cipher: 'aes-256-cbc', passphrase: 'secret' };
    refused(PAIRS['P-256'].privateKey.export({ format: 'pem', type: 'pkcs8', ...options }) as string, /encrypted keys are not supported/);
    refused(new Uint8Array(PAIRS.ed25519.privateKey.export({ format: 'der', type: 'pkcs8', ...options })), /encrypted keys are not supported/);
    refused(PAIRS.rsa2048.privateKey.export({ format: 'pem', type: 'pkcs1', ...options }) as string, /encrypted keys are not supported/);
    refused(PAIRS['P-384'].privateKey.export({ format: 'pem', type: 'sec1', ...options }) as string, /encrypted keys are not supported/);
  });

  it('no key, several keys, broken PEM', () => {
    refused('', /no private key found/);
    refused('hello', /no private key found/);
    refused(new Uint8Array(0), /no private key found/);
    refused('-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n', /no private key found/);
    const one = PAIRS['P-256'].privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    refused(one + one, /holds 2 private keys/);
    refused(one.replace('-----END PRIVATE KEY-----', ''), /not closed/);
    refused('-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n', /malformed base64/);
    refused('-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n', /malformed/);
  });

  it('a PEM label that does not match its content is malformed', () => {
    const sec1Der = PAIRS['P-256'].privateKey.export({ format: 'der', type: 'sec1' });
    refused(pem('PRIVATE KEY', sec1Der), /malformed PKCS#8/);
    refused(pem('RSA PRIVATE KEY', sec1Der), /malformed PKCS#1/);
  });

  it('DER that is not a private key, truncated, or followed by extra bytes', () => {
    const der = PAIRS.rsa2048.privateKey.export({ format: 'der', type: 'pkcs1' });
    refused(new Uint8Array(der.subarray(0, der.length - 1)), /malformed/);
    refused(new Uint8Array(Buffer.concat([der, Buffer.from([0])])), /malformed/);
    refused(new Uint8Array(PAIRS['P-256'].publicKey.export({ format: 'der', type: 'spki' })), /not a PKCS#8, SEC1 or PKCS#1 private key/);
  });

  it('weak or unsupported keys', () => {
    refused(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, /1024 bits are too weak/);
    refused(generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, /key algorithm 1\.3\.101\.110 is not supported/);
    refused(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, /curve 1\.3\.132\.0\.10 is not supported/);
    // An RSASSA-PSS-only key (RFC 4055 §1.2, parameters absent, as `openssl genpkey -algorithm
    // RSA-PSS` writes it), built by hand: Deno's node:crypto cannot export one as PKCS#8.
    const rsaPrivateKey = PAIRS.rsa2048.privateKey.export({ format: 'der', type: 'pkcs1' });
    refused(pem('PRIVATE KEY', tlv(0x30, hex('020100'), tlv(0x30, RSASSA_PSS_OID), tlv(0x04, rsaPrivateKey))), /RSASSA-PSS-only keys/);
  });

  it('any change to a valid key gives a key or a UsageError, nothing else', () => {
    const originals = [
      PAIRS['P-256'].privateKey.export({ format: 'der', type: 'pkcs8' }),
      PAIRS['P-384'].privateKey.export({ format: 'der', type: 'sec1' }),
      PAIRS.ed25519.privateKey.export({ format: 'der', type: 'pkcs8' }),
      PAIRS.rsa2048.privateKey.export({ format: 'der', type: 'pkcs1' }),
    ].map((b) => new Uint8Array(b));
    fc.assert(
      fc.property(fc.constantFrom(...originals), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (original, at, xor, truncate) => {
        const mutated = original.slice();
        const i = at % mutated.length;
        mutated[i]! ^= xor;
        const input = truncate ? mutated.subarray(0, i) : mutated;
        let loaded: PrivateKey | undefined;
        try {
          loaded = loadPrivateKey(input);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          return;
        }
        // A mutation that still loads must give a key the runtime's node:crypto agrees with.
        // The loader checks RSA numbers for shape only and leaves it to the signer to find out
        // whether they belong together (x509/keys.ts). OpenSSL (Node) imports such a key as it
        // is; Deno's node:crypto refuses it, which is fine for exactly those keys.
        let node: KeyObject;
        try {
          node = createPrivateKey({ key: Buffer.from(loaded.pkcs8), format: 'der', type: 'pkcs8' });
        } catch (refusal) {
          expect(loaded.kind, `the runtime refused a ${loaded.kind} key: ${String(refusal)}`).toBe('rsa');
          expect(rsaNumbersBelongTogether(loaded.pkcs8)).toBe(false);
          return;
        }
        expect(publicKeyOf(createPublicKey(node))).toEqual(loaded.publicKey);
      }),
      { numRuns: 300 },
    );
  });

  it('random text and bytes give only UsageError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }).map((b) => (b.length > 0 ? ((b[0] = 0x30), b) : b))), (input) => {
        expect(() => loadPrivateKey(input)).toThrow(UsageError);
      }),
      { numRuns: 300 },
    );
  });
});
