// The key schedule beyond RFC 8448's §3-§5 values: stage order, the SHA-384 suite, psk_ke,
// KeyUpdate, ticket PSKs and exporters, each checked against HKDF written here with node:crypto
// HMAC (independently of hkdf-label.ts and of noble).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { getCipherSuite, TLS13_CIPHER_SUITES, type CipherSuiteParams } from '../../src/crypto/suites.ts';
import {
  EarlySecret,
  HandshakeSecret,
  MasterSecret,
  exportKeyingMaterial,
  nextApplicationTrafficSecret,
  resumptionPsk,
  trafficKeys,
  stageSecret,
} from '../../src/crypto/key-schedule.ts';
import { CipherSuite } from '../../src/codec/enums.ts';
import { concat, toHex, utf8 } from '../../src/bytes/util.ts';

const provider = nobleProvider;
const nodeName = (suite: CipherSuiteParams): string => suite.hash.replace('-', '').toLowerCase();

/** HKDF-Extract and HKDF-Expand-Label (RFC 5869, RFC 8446 §7.1) on node:crypto's HMAC. */
function reference(suite: CipherSuiteParams) {
  const hmac = (key: Uint8Array, data: Uint8Array): Uint8Array => new Uint8Array(createHmac(nodeName(suite), key).update(data).digest());
  const hash = (data: Uint8Array): Uint8Array => new Uint8Array(createHash(nodeName(suite)).update(data).digest());
  const expandLabel = (secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array => {
    const full = utf8(`tls13 ${label}`);
    const info = concat(new Uint8Array([length >> 8, length & 0xff, full.length]), full, new Uint8Array([context.length]), context);
    let out: Uint8Array = new Uint8Array(0);
    let block: Uint8Array = new Uint8Array(0);
    for (let i = 1; out.length < length; i++) {
      block = hmac(secret, concat(block, info, new Uint8Array([i])));
      out = concat(out, block);
    }
    return out.subarray(0, length);
  };
  const deriveSecret = (secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array =>
    expandLabel(secret, label, transcriptHash, suite.hashLength);
  return { hmac, hash, expandLabel, deriveSecret, extract: (salt: Uint8Array, ikm: Uint8Array) => hmac(salt, ikm) };
}

const fill = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);

describe('suites', () => {
  it('the three TLS 1.3 suites, by code point', () => {
    expect(TLS13_CIPHER_SUITES.map((s) => s.id)).toEqual([0x1301, 0x1302, 0x1303]);
    expect(getCipherSuite(CipherSuite.TLS_AES_256_GCM_SHA384)).toMatchObject({ hash: 'SHA-384', hashLength: 48, aead: 'AES-256-GCM', keyLength: 32, ivLength: 12 });
    expect(getCipherSuite(CipherSuite.TLS_CHACHA20_POLY1305_SHA256)).toMatchObject({ hash: 'SHA-256', aead: 'CHACHA20-POLY1305', keyLength: 32 });
    expect(getCipherSuite(CipherSuite.TLS_AES_128_CCM_SHA256)).toBeUndefined();
    expect(getCipherSuite(0x00ff)).toBeUndefined();
  });
});

describe('key schedule on every suite, against a node:crypto HKDF', () => {
  for (const suite of TLS13_CIPHER_SUITES) {
    it(`${suite.name}: every stage and secret`, () => {
      const ref = reference(suite);
      const zeros = new Uint8Array(suite.hashLength);
      const empty = ref.hash(new Uint8Array(0));
      const psk = fill(suite.hashLength, 0x5a);
      const shared = fill(32, 0xc3);
      const th1 = ref.hash(utf8('ClientHello'));
      const th2 = ref.hash(utf8('ClientHello ServerHello'));
      const th3 = ref.hash(utf8('... server Finished'));
      const th4 = ref.hash(utf8('... client Finished'));

      const es = ref.extract(zeros, psk);
      const early = EarlySecret.create(provider, suite, psk);
      expect(toHex(stageSecret(early))).toBe(toHex(es));
      expect(toHex(early.binderKey(true))).toBe(toHex(ref.deriveSecret(es, 'ext binder', empty)));
      expect(toHex(early.binderKey(false))).toBe(toHex(ref.deriveSecret(es, 'res binder', empty)));
      expect(toHex(early.clientEarlyTrafficSecret(th1))).toBe(toHex(ref.deriveSecret(es, 'c e traffic', th1)));
      expect(toHex(early.earlyExporterMasterSecret(th1))).toBe(toHex(ref.deriveSecret(es, 'e exp master', th1)));

      const hs = ref.extract(ref.deriveSecret(es, 'derived', empty), shared);
      const handshake = early.toHandshake(shared);
      expect(toHex(stageSecret(handshake))).toBe(toHex(hs));
      expect(toHex(handshake.clientHandshakeTrafficSecret(th2))).toBe(toHex(ref.deriveSecret(hs, 'c hs traffic', th2)));
      expect(toHex(handshake.serverHandshakeTrafficSecret(th2))).toBe(toHex(ref.deriveSecret(hs, 's hs traffic', th2)));

      const ms = ref.extract(ref.deriveSecret(hs, 'derived', empty), zeros);
      const master = handshake.toMaster();
      expect(toHex(stageSecret(master))).toBe(toHex(ms));
      const cats = master.clientApplicationTrafficSecret0(th3);
      expect(toHex(cats)).toBe(toHex(ref.deriveSecret(ms, 'c ap traffic', th3)));
      expect(toHex(master.serverApplicationTrafficSecret0(th3))).toBe(toHex(ref.deriveSecret(ms, 's ap traffic', th3)));
      expect(toHex(master.exporterMasterSecret(th3))).toBe(toHex(ref.deriveSecret(ms, 'exp master', th3)));
      expect(toHex(master.resumptionMasterSecret(th4))).toBe(toHex(ref.deriveSecret(ms, 'res master', th4)));

      // RFC 8446 §7.3 traffic keys, §7.2 KeyUpdate, §4.6.1 ticket PSK.
      const keys = trafficKeys(provider, suite, cats);
      expect(toHex(keys.key)).toBe(toHex(ref.expandLabel(cats, 'key', new Uint8Array(0), suite.keyLength)));
      expect(toHex(keys.iv)).toBe(toHex(ref.expandLabel(cats, 'iv', new Uint8Array(0), 12)));
      const next = nextApplicationTrafficSecret(provider, suite, cats);
      expect(toHex(next)).toBe(toHex(ref.expandLabel(cats, 'traffic upd', new Uint8Array(0), suite.hashLength)));
      expect(toHex(nextApplicationTrafficSecret(provider, suite, next))).not.toBe(toHex(next));
      const nonce = new Uint8Array([0, 1, 2, 3]);
      expect(toHex(resumptionPsk(provider, suite, cats, nonce))).toBe(toHex(ref.expandLabel(cats, 'resumption', nonce, suite.hashLength)));
    });

    it(`${suite.name}: TLS-Exporter (RFC 8446 §7.5)`, () => {
      const ref = reference(suite);
      const ems = fill(suite.hashLength, 0x42);
      const context = utf8('some context');
      const secret = ref.deriveSecret(ems, 'EXPORTER-test', ref.hash(new Uint8Array(0)));
      const expected = ref.expandLabel(secret, 'exporter', ref.hash(context), 70);
      expect(toHex(exportKeyingMaterial(provider, suite, ems, 'EXPORTER-test', context, 70))).toBe(toHex(expected));
      expect(toHex(exportKeyingMaterial(provider, suite, ems, 'EXPORTER-other', context, 70))).not.toBe(toHex(expected));
    });
  }

  it('no PSK is the same as a PSK of zeros; psk_ke mixes in zeros', () => {
    const suite = getCipherSuite(CipherSuite.TLS_AES_256_GCM_SHA384)!;
    const zeros = new Uint8Array(48);
    expect(toHex(stageSecret(EarlySecret.create(provider, suite)))).toBe(toHex(stageSecret(EarlySecret.create(provider, suite, zeros))));
    const ref = reference(suite);
    const es = EarlySecret.create(provider, suite, fill(48, 1));
    const hs = ref.extract(ref.deriveSecret(stageSecret(es), 'derived', ref.hash(new Uint8Array(0))), zeros);
    expect(toHex(stageSecret(es.toHandshake(zeros)))).toBe(toHex(hs));
  });
});

describe('key schedule stages', () => {
  it('a later stage cannot be built except from the stage before', () => {
    const suite = TLS13_CIPHER_SUITES[0]!;
    const forged = Symbol('key-schedule stage') as never;
    expect(() => new HandshakeSecret(forged, provider, suite, new Uint8Array(32))).toThrow(/EarlySecret\.toHandshake/);
    expect(() => new MasterSecret(forged, provider, suite, new Uint8Array(32))).toThrow(/HandshakeSecret\.toMaster/);
  });

  it('each stage offers only its own derivations', () => {
    const suite = TLS13_CIPHER_SUITES[0]!;
    const early = EarlySecret.create(provider, suite) as unknown as Record<string, unknown>;
    const handshake = EarlySecret.create(provider, suite).toHandshake(new Uint8Array(32)) as unknown as Record<string, unknown>;
    expect(early['clientHandshakeTrafficSecret']).toBeUndefined();
    expect(early['toMaster']).toBeUndefined();
    expect(handshake['clientApplicationTrafficSecret0']).toBeUndefined();
    expect(handshake['binderKey']).toBeUndefined();
  });
});
