// Hostile ClientHellos against the rxtls server: each one ends in the alert RFC 8446 asks for,
// sent on the wire, and never in a crash. Random mutations end only in TlsError.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 as nistP256 } from '@noble/curves/nist.js';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { alertName } from '../../src/errors/alert.ts';
import { CipherSuite, ContentType, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme } from '../../src/codec/enums.ts';
import type { Extension } from '../../src/codec/extension.ts';
import { encodeHandshake } from '../../src/codec/handshake.ts';
import { encodeClientHello, type ClientHello } from '../../src/codec/messages/client-hello.ts';
import { decodeServerHello } from '../../src/codec/messages/server-hello.ts';
import { encodeKeyShareClientHello, type KeyShareEntry } from '../../src/codec/extensions/key-share.ts';
import { encodeSupportedVersionsClientHello } from '../../src/codec/extensions/supported-versions.ts';
import { encodeNamedGroupList } from '../../src/codec/extensions/supported-groups.ts';
import { encodeSignatureSchemeList } from '../../src/codec/extensions/signature-algorithms.ts';
import { decodeCookie, encodeCookie } from '../../src/codec/extensions/cookie.ts';
import { findExtension } from '../../src/codec/extension.ts';
import { concat } from '../../src/bytes/util.ts';
import { getTestPki } from '../support/pki.ts';

const pki = await getTestPki();
const server = (groups: ('x25519' | 'secp256r1' | 'secp384r1')[] = ['x25519', 'secp256r1']): TlsServerContext =>
  new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }], groups });
const defaultServer = server();

const x25519Share = (): KeyShareEntry => ({ group: NamedGroup.x25519, keyExchange: x25519.getPublicKey(x25519.utils.randomSecretKey()) });
const p256Share = (): KeyShareEntry => ({ group: NamedGroup.secp256r1, keyExchange: nistP256.getPublicKey(nistP256.utils.randomSecretKey(), false) });

interface HelloParts {
  random?: Uint8Array;
  suites?: number[];
  compression?: number[];
  versions?: number[] | null;
  groups?: number[] | null;
  shares?: KeyShareEntry[] | null;
  sigAlgs?: number[] | null;
  extra?: Extension[];
}

const RANDOM = new Uint8Array(32).fill(7);

/** A ClientHello a TLS 1.3 server accepts, with parts replaced or left out (null). */
function clientHello(p: HelloParts = {}): ClientHello {
  const extensions: Extension[] = [];
  if (p.versions !== null) extensions.push({ type: ExtensionType.supported_versions, data: encodeSupportedVersionsClientHello(p.versions ?? [ProtocolVersion.TLS1_3]) });
  if (p.groups !== null) extensions.push({ type: ExtensionType.supported_groups, data: encodeNamedGroupList(p.groups ?? [NamedGroup.x25519, NamedGroup.secp256r1]) });
  if (p.sigAlgs !== null) extensions.push({ type: ExtensionType.signature_algorithms, data: encodeSignatureSchemeList(p.sigAlgs ?? [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256]) });
  if (p.shares !== null) extensions.push({ type: ExtensionType.key_share, data: encodeKeyShareClientHello(p.shares ?? [x25519Share()]) });
  extensions.push(...(p.extra ?? []));
  return {
    legacyVersion: ProtocolVersion.TLS1_2,
    random: p.random ?? RANDOM,
    legacySessionId: new Uint8Array(0),
    cipherSuites: p.suites ?? [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
    legacyCompressionMethods: p.compression ?? [0],
    extensions,
  };
}

const record = (type: number, body: Uint8Array): Uint8Array => concat(new Uint8Array([type, 3, 1, body.length >> 8, body.length & 0xff]), body);
const helloRecord = (ch: ClientHello): Uint8Array => record(ContentType.handshake, encodeHandshake(HandshakeType.client_hello, encodeClientHello(ch)));

/** Feed `bytes` to a fresh server connection (or `conn`) and run accept(). */
function feed(bytes: Uint8Array, conn: TlsConnection = defaultServer.connection()): TlsConnection {
  conn.receive(bytes);
  conn.accept();
  return conn;
}

/** The connection failed with `alert`, and that alert is the last thing it sent. */
function expectAlert(conn: TlsConnection, alert: string): void {
  expect(conn.getError()).toBe(SslError.SSL);
  expect(conn.error).toBeInstanceOf(TlsError);
  expect((conn.error as TlsError).alertName).toBe(alert);
  const out = conn.takeOutput();
  expect(out.length).toBeGreaterThanOrEqual(7);
  const last = out.subarray(out.length - 7);
  expect([last[0], last[3], last[4], last[5]]).toEqual([ContentType.alert, 0, 2, 2]); // plaintext fatal alert
  expect(alertName(last[6]!)).toBe(alert);
  expect(conn.accept()).toBe(-1); // the failure sticks
}

describe('the valid ClientHello these tests start from', () => {
  it('is accepted: the server answers with its flight', () => {
    const conn = feed(helloRecord(clientHello()));
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(conn.takeOutput()[0]).toBe(ContentType.handshake);
  });
});

describe('hostile ClientHellos', () => {
  it('truncated at every length (with consistent handshake and record lengths): decode_error', () => {
    // Includes the prefix that ends before the extensions block: a TLS 1.3 ClientHello has one.
    const body = encodeClientHello(clientHello());
    for (let n = 0; n < body.length; n++) {
      expectAlert(feed(record(ContentType.handshake, encodeHandshake(HandshakeType.client_hello, body.subarray(0, n)))), 'decode_error');
    }
  });

  it('truncated records, fed a byte at a time, only wait for more', () => {
    const rec = helloRecord(clientHello());
    const conn = defaultServer.connection();
    for (let i = 0; i < rec.length - 1; i++) {
      conn.receive(rec.subarray(i, i + 1));
      expect(conn.accept()).toBe(-1);
      expect(conn.getError()).toBe(SslError.WANT_READ);
    }
    expect(conn.takeOutput()).toHaveLength(0);
  });

  it('a duplicated extension: illegal_parameter', () => {
    // Our encoder refuses duplicates: write the extensions block by hand.
    const ch = clientHello();
    const exts = [...ch.extensions, ch.extensions[1]!];
    const block = concat(...exts.map((e) => concat(new Uint8Array([e.type >> 8, e.type & 0xff, e.data.length >> 8, e.data.length & 0xff]), e.data)));
    const head = encodeClientHello({ ...ch, extensions: [] });
    const body = concat(head.subarray(0, head.length - 2), new Uint8Array([block.length >> 8, block.length & 0xff]), block);
    expectAlert(feed(record(ContentType.handshake, encodeHandshake(HandshakeType.client_hello, body))), 'illegal_parameter');
  });

  it('wrong inner lengths: decode_error', () => {
    const ch = clientHello();
    const bad = (i: number, mutate: (d: Uint8Array) => Uint8Array): ClientHello => ({ ...ch, extensions: ch.extensions.map((e, j) => (j === i ? { type: e.type, data: mutate(e.data) } : e)) });
    const plusOne = (d: Uint8Array): Uint8Array => {
      const c = d.slice();
      c[c[0] === 0 ? 1 : 0]! += 2; // the list's length field claims more than there is
      return c;
    };
    for (let i = 0; i < ch.extensions.length; i++) {
      expectAlert(feed(helloRecord(bad(i, plusOne))), 'decode_error');
      expectAlert(feed(helloRecord(bad(i, (d) => concat(d, new Uint8Array([0]))))), 'decode_error'); // trailing byte
    }
    // The cipher suite list with an odd length.
    const body = encodeClientHello(ch);
    const suitesAt = 2 + 32 + 1;
    const odd = body.slice();
    odd[suitesAt + 1] = odd[suitesAt + 1]! - 1;
    expectAlert(feed(record(ContentType.handshake, encodeHandshake(HandshakeType.client_hello, odd))), 'decode_error');
  });

  it('no key_share, no supported_groups, no signature_algorithms: missing_extension', () => {
    expectAlert(feed(helloRecord(clientHello({ shares: null }))), 'missing_extension');
    expectAlert(feed(helloRecord(clientHello({ groups: null }))), 'missing_extension');
    expectAlert(feed(helloRecord(clientHello({ sigAlgs: null }))), 'missing_extension');
  });

  it('a key share for a group supported_groups does not list: illegal_parameter', () => {
    expectAlert(feed(helloRecord(clientHello({ groups: [NamedGroup.secp256r1], shares: [x25519Share()] }))), 'illegal_parameter');
  });

  it('points that are not on the curve: illegal_parameter', () => {
    const offCurve = nistP256.getPublicKey(nistP256.utils.randomSecretKey(), false);
    offCurve[64]! ^= 1;
    expectAlert(feed(helloRecord(clientHello({ groups: [NamedGroup.secp256r1], shares: [{ group: NamedGroup.secp256r1, keyExchange: offCurve }] }))), 'illegal_parameter');
    // A compressed point: TLS 1.3 allows only the uncompressed form (§4.2.8.2).
    const compressed = nistP256.getPublicKey(nistP256.utils.randomSecretKey(), true);
    expectAlert(feed(helloRecord(clientHello({ groups: [NamedGroup.secp256r1], shares: [{ group: NamedGroup.secp256r1, keyExchange: compressed }] }))), 'illegal_parameter');
    // X25519 low-order point: the shared secret is all zeros (§7.4.2).
    expectAlert(feed(helloRecord(clientHello({ shares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array(32) }] }))), 'illegal_parameter');
    // Wrong length for the group.
    expectAlert(feed(helloRecord(clientHello({ shares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array(31).fill(9) }] }))), 'illegal_parameter');
  });

  it('only unknown or old versions: protocol_version, naming both sides\' versions', () => {
    const conn = feed(helloRecord(clientHello({ versions: [0x7f12, 0x0302] })));
    expectAlert(conn, 'protocol_version');
    expect(conn.error?.message).toMatch(/client offers .*TLSv1\.1; we speak TLSv1\.2 to TLSv1\.3/);
    expectAlert(feed(helloRecord({ ...clientHello({ versions: null }), legacyVersion: 0x0302 })), 'protocol_version');
  });

  it('a compression method other than null: illegal_parameter', () => {
    expectAlert(feed(helloRecord(clientHello({ compression: [1, 0] }))), 'illegal_parameter');
    expectAlert(feed(helloRecord(clientHello({ compression: [1] }))), 'illegal_parameter');
  });

  it('ChangeCipherSpec before ClientHello: unexpected_message', () => {
    expectAlert(feed(record(ContentType.change_cipher_spec, new Uint8Array([1]))), 'unexpected_message');
  });

  it('application data before the handshake: unexpected_message', () => {
    expectAlert(feed(record(ContentType.application_data, new Uint8Array(40).fill(1))), 'unexpected_message');
  });

  it('a handshake message other than ClientHello first: unexpected_message', () => {
    expectAlert(feed(record(ContentType.handshake, encodeHandshake(HandshakeType.finished, new Uint8Array(32)))), 'unexpected_message');
  });
});

describe('the second ClientHello after a HelloRetryRequest', () => {
  // The server takes only P-256; the first ClientHello shares x25519.
  const hrrServer = server(['secp256r1']);

  /** Send the first ClientHello; return the connection and the cookie of the HelloRetryRequest. */
  function afterRetry(): { conn: TlsConnection; cookie: Uint8Array; first: ClientHello } {
    const first = clientHello({ extra: [{ type: ExtensionType.early_data, data: new Uint8Array(0) }] });
    const conn = feed(helloRecord(first), hrrServer.connection());
    expect(conn.getError()).toBe(SslError.WANT_READ);
    const out = conn.takeOutput();
    expect(out[0]).toBe(ContentType.handshake);
    const hrr = decodeServerHello(out.subarray(5 + 4, 5 + ((out[3]! << 8) | out[4]!)));
    const cookieData = findExtension(hrr.extensions, ExtensionType.cookie);
    expect(cookieData).toBeDefined();
    return { conn, cookie: decodeCookie(cookieData!), first };
  }

  function second(cookie: Uint8Array | null, p: HelloParts = {}): ClientHello {
    return clientHello({ shares: [p256Share()], ...p, extra: [...(cookie === null ? [] : [{ type: ExtensionType.cookie, data: encodeCookie(cookie) }]), ...(p.extra ?? [])] });
  }

  it('a correct second ClientHello completes the server flight', () => {
    const { conn, cookie } = afterRetry();
    feed(helloRecord(second(cookie)), conn);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(conn.takeOutput().length).toBeGreaterThan(100);
  });

  const cases: [string, (cookie: Uint8Array) => ClientHello][] = [
    ['changes its random', (c) => second(c, { random: new Uint8Array(32).fill(8) })],
    ['changes its cipher suites', (c) => second(c, { suites: [CipherSuite.TLS_AES_128_GCM_SHA256] })],
    ['omits the cookie', () => second(null)],
    ['sends a wrong cookie', (c) => second(c.map((b) => b ^ 1))],
    ['sends a share for another group than asked', (c) => second(c, { shares: [x25519Share()] })],
    ['sends two shares', (c) => second(c, { shares: [x25519Share(), p256Share()] })],
    ['offers early data', (c) => second(c, { extra: [{ type: ExtensionType.early_data, data: new Uint8Array(0) }] })],
  ];
  for (const [what, build] of cases) {
    it(`${what}: illegal_parameter`, () => {
      const { conn, cookie } = afterRetry();
      expectAlert(feed(helloRecord(build(cookie)), conn), 'illegal_parameter');
    });
  }

  it('a second ClientHello that again shares nothing usable: illegal_parameter', () => {
    const { conn, cookie } = afterRetry();
    expectAlert(feed(helloRecord(second(cookie, { shares: [] })), conn), 'illegal_parameter');
  });
});

describe('property: mutated ClientHellos', () => {
  const valid = helloRecord(clientHello());
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  );

  it('end only in TlsError (or a normal answer): no other exception, no crash', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (mutations, fixLength) => {
        let bytes: Uint8Array = valid.slice();
        for (const m of mutations) {
          const at = 5 + (m.at % (bytes.length - 5));
          if (m.kind === 'flip') bytes[at]! ^= m.bits;
          else if (m.kind === 'cut') bytes = concat(bytes.subarray(0, at), bytes.subarray(at + m.len));
          else bytes = concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
        }
        if (fixLength) {
          const n = bytes.length - 5;
          bytes[3] = n >> 8;
          bytes[4] = n & 0xff;
        }
        const conn = defaultServer.connection();
        conn.receive(bytes);
        const r = conn.accept();
        expect(r).toBe(-1);
        const e = conn.getError();
        expect([SslError.WANT_READ, SslError.SSL]).toContain(e);
        if (e === SslError.SSL) expect(conn.error).toBeInstanceOf(TlsError);
      }),
      { numRuns: 400 },
    );
  });
});

describe('RFC 8446 details of the first flight', () => {
  it('legacy_version other than 0x0303 in a TLS 1.3 ClientHello: protocol_version (§4.1.2)', () => {
    for (const legacyVersion of [0x0301, 0x0300, 0x0302, 0x0304]) {
      expectAlert(feed(helloRecord({ ...clientHello(), legacyVersion })), 'protocol_version');
    }
  });

  it('key shares of the wrong length, an empty one included, in any entry: illegal_parameter (§4.2.8)', () => {
    const keyShareData = (entries: [number, Uint8Array][]): Uint8Array => {
      const body = concat(...entries.map(([group, share]) => concat(Uint8Array.of(group >> 8, group & 0xff, share.length >> 8, share.length & 0xff), share)));
      return concat(Uint8Array.of(body.length >> 8, body.length & 0xff), body);
    };
    const withShares = (entries: [number, Uint8Array][]): ClientHello => {
      const ch = clientHello();
      return { ...ch, extensions: ch.extensions.map((e) => (e.type === ExtensionType.key_share ? { type: e.type, data: keyShareData(entries) } : e)) };
    };
    const good = x25519Share().keyExchange;
    expectAlert(feed(helloRecord(withShares([[NamedGroup.x25519, new Uint8Array(0)]]))), 'illegal_parameter');
    expectAlert(feed(helloRecord(withShares([[NamedGroup.x25519, good], [NamedGroup.secp256r1, new Uint8Array(0)]]))), 'illegal_parameter');
    expectAlert(feed(helloRecord(withShares([[NamedGroup.x25519, good], [NamedGroup.secp256r1, new Uint8Array(64).fill(4)]]))), 'illegal_parameter');
    expectAlert(feed(helloRecord(withShares([[NamedGroup.x25519, concat(good, Uint8Array.of(0))]]))), 'illegal_parameter');
  });

  it('a plaintext alert from the client before its Finished is honoured: the server fails with it and answers nothing', () => {
    const conn = feed(helloRecord(clientHello()));
    expect(conn.getError()).toBe(SslError.WANT_READ);
    conn.takeOutput(); // the server's flight
    feed(record(ContentType.alert, Uint8Array.of(2, 40)), conn);
    expect(conn.getError()).toBe(SslError.SSL);
    expect((conn.error as TlsError).alertName).toBe('handshake_failure');
    expect((conn.error as TlsError).origin).toBe('peer');
    expect(conn.takeOutput()).toHaveLength(0);
  });

  it('any other unprotected record once keys are in place: unexpected_message', () => {
    // (An application_data record is taken as protected: it fails to decrypt, bad_record_mac.)
    for (const bytes of [record(ContentType.handshake, encodeHandshake(HandshakeType.finished, new Uint8Array(32)))]) {
      const conn = feed(helloRecord(clientHello()));
      conn.takeOutput();
      feed(bytes, conn);
      expect(conn.getError()).toBe(SslError.SSL);
      expect((conn.error as TlsError).alertName).toBe('unexpected_message');
      expect((conn.error as TlsError).origin).toBe('local');
      expect(conn.takeOutput().length).toBeGreaterThan(0); // the (encrypted) alert
    }
  });
});

describe('pre-authentication limits (record/limits.ts)', () => {
  /** A record carrying a handshake header for `type` announcing `length` bytes, and `body` bytes of it. */
  const headerRecord = (type: number, length: number, body = 100): Uint8Array =>
    record(ContentType.handshake, concat(Uint8Array.of(type, length >> 16, (length >> 8) & 0xff, length & 0xff), new Uint8Array(body)));

  it('a message type the state does not take is refused at its header, whatever the length it announces', () => {
    for (const type of [HandshakeType.finished, HandshakeType.certificate, HandshakeType.key_update, 99]) {
      expectAlert(feed(headerRecord(type, 262_144)), 'unexpected_message');
    }
  });

  it('a ClientHello announcing more than 16 KiB is refused at its header: decode_error', () => {
    expectAlert(feed(headerRecord(HandshakeType.client_hello, 16 * 1024 + 1)), 'decode_error');
    // At the limit, it is buffered: the server waits for the rest.
    const conn = feed(headerRecord(HandshakeType.client_hello, 16 * 1024));
    expect(conn.getError()).toBe(SslError.WANT_READ);
  });

  it('the limit is configurable per context', () => {
    const roomy = new TlsServerContext({
      certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }],
      handshakeSizeLimits: { clientHello: 32 * 1024 },
    });
    expect(feed(headerRecord(HandshakeType.client_hello, 32 * 1024), roomy.connection()).getError()).toBe(SslError.WANT_READ);
    expectAlert(feed(headerRecord(HandshakeType.client_hello, 32 * 1024 + 1), roomy.connection()), 'decode_error');
  });

  it('change_cipher_spec: two are taken, a third is unexpected_message', () => {
    const ccs = record(ContentType.change_cipher_spec, Uint8Array.of(1));
    const conn = feed(concat(helloRecord(clientHello()), ccs, ccs));
    expect(conn.getError()).toBe(SslError.WANT_READ);
    conn.takeOutput();
    feed(ccs, conn);
    expect(conn.getError()).toBe(SslError.SSL);
    expect((conn.error as TlsError).alertName).toBe('unexpected_message');
  });
});

describe('a server holds little for an unauthenticated client', () => {
  it('its defaults keep one message and one record under 64 KiB (a client Certificate: 47 KiB)', async () => {
    const { DEFAULT_SERVER_HANDSHAKE_SIZE_LIMITS, PREAUTH_BUFFER_TARGET, MAX_CIPHERTEXT, RECORD_HEADER_LENGTH } = await import('../../src/record/limits.ts');
    // What a server takes before the client's Finished: ClientHello, Certificate, and the others (CertificateVerify, Finished).
    const { clientHello, certificate, other } = DEFAULT_SERVER_HANDSHAKE_SIZE_LIMITS;
    const largest = Math.max(clientHello, certificate, other);
    expect(largest + 4 + RECORD_HEADER_LENGTH + MAX_CIPHERTEXT).toBeLessThanOrEqual(PREAUTH_BUFFER_TARGET);
    expect(defaultServer.config.handshakeSizeLimits.certificate).toBe(47 * 1024);
  });
});
