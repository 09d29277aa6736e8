// TLS 1.2 between an rxtls client and an rxtls server in memory: every suite with every
// certificate type, random chunking, resumption, client certificates, version negotiation and
// downgrade protection, and the refusals a hostile peer meets for each TLS 1.2 message.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { ContentType, ExtensionType, HandshakeType, NamedGroup } from '../../src/codec/enums.ts';
import { decodeServerHello, encodeServerHello } from '../../src/codec/messages/server-hello.ts';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.ts';
import { encodeEcPointFormats, encodeRenegotiationInfo } from '../../src/codec/extensions/tls12.ts';
import type { Extension } from '../../src/codec/extension.ts';
import type { ClientConfig } from '../../src/handshake/config.ts';
import type { ServerConfig } from '../../src/handshake/server-config.ts';
import type { CipherSuite12Name } from '../../src/handshake/versions.ts';
import { MemoryTicketStore } from '../../src/handshake/tickets/ticket-store.ts';
import { getTestPki } from '../support/pki.ts';
import { handshakePair, transfer } from '../server/pair.ts';
import { joinFlight, splitFlight, withBody, type FlightPart } from './flight.ts';

const pki = await getTestPki();
const CERTS = ['p256', 'p384', 'ed25519', 'rsa2048'] as const;
type CertKind = (typeof CERTS)[number];
const ECDSA: readonly CipherSuite12Name[] = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'];
const RSA: readonly CipherSuite12Name[] = ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'];
const SCHEME = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', ed25519: 'ed25519', rsa2048: 'rsa_pss_rsae_sha256' } as const;

const serverContext = (kind: CertKind = 'p256', extra: Partial<ServerConfig> = {}): TlsServerContext =>
  new TlsServerContext({ certificates: [{ chain: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem }], ...extra });
const clientContext = (extra: Partial<ClientConfig> = {}): TlsClientContext => new TlsClientContext({ ca: pki.rootPem, maxVersion: 'TLSv1.2', ...extra });
const client = (extra: Partial<ClientConfig> = {}): TlsConnection => clientContext(extra).connection({ serverName: 'localhost' });

/** The failure of `conn`: SSL with a TlsError of `alert`. */
function expectFailure(conn: TlsConnection, alert: string, message?: RegExp): void {
  expect(conn.getError(), conn.error?.message).toBe(SslError.SSL);
  expect(conn.error).toBeInstanceOf(TlsError);
  expect((conn.error as TlsError).alertName, conn.error?.message).toBe(alert);
  if (message) expect(conn.error!.message).toMatch(message);
}

/** The alert description `conn` sent last (from its output), or undefined. */
function lastAlertSent(output: Uint8Array): number | undefined {
  const n = output.length;
  return n >= 7 && output[n - 7] === ContentType.alert ? output[n - 1] : undefined;
}

describe('TLS 1.2, rxtls to rxtls in memory', () => {
  for (const kind of CERTS) {
    const server = serverContext(kind);
    for (const suite of kind === 'rsa2048' ? RSA : ECDSA) {
      it(`${kind} ${suite}: parameters agree on both sides, data both ways`, async () => {
        const c = client({ cipherSuites: [suite] });
        const s = server.connection();
        await handshakePair(c, s);
        for (const p of [c.negotiated!, s.negotiated!]) {
          expect([p.version, p.cipherSuite, p.group, p.signatureScheme, p.extendedMasterSecret, p.resumed]).toEqual(['TLSv1.2', suite, 'x25519', SCHEME[kind], true, false]);
        }
        expect(c.negotiated!.verifiedPath).toHaveLength(3);
        const data = randomBytes(40_000);
        expect(Buffer.from(transfer(c, s, data)).equals(data)).toBe(true);
        expect(Buffer.from(transfer(s, c, data)).equals(data)).toBe(true);
        expect(() => c.keyUpdate()).toThrow(/TLS 1\.2 has no KeyUpdate/);
      });
    }
  }

  it('property: any chunking of both directions gives the same result, resumption included', async () => {
    const server = serverContext('rsa2048');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        let i = 0;
        const chunk = (bytes: Uint8Array): Uint8Array[] => {
          const out: Uint8Array[] = [];
          for (let at = 0; at < bytes.length; ) {
            const n = sizes[i++ % sizes.length]!;
            out.push(bytes.subarray(at, at + n));
            at += n;
          }
          return out;
        };
        const context = clientContext();
        for (const resumed of [false, true]) {
          const c = context.connection({ serverName: 'localhost' });
          const s = server.connection();
          await handshakePair(c, s, chunk);
          expect([c.negotiated?.resumed, s.negotiated?.resumed]).toEqual([resumed, resumed]);
          const data = randomBytes(3000);
          expect(Buffer.from(transfer(c, s, data)).equals(data)).toBe(true);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('resumption: the ticket resumes TLS 1.2 only; it keeps its suite; the server issues a fresh ticket', async () => {
    const server = serverContext('p256');
    const store = new MemoryTicketStore();
    const first = client({ ticketStore: store });
    const s1 = server.connection();
    await handshakePair(first, s1);
    expect(store.count('localhost')).toBe(1);
    // A client that allows TLS 1.3 too still offers the TLS 1.2 ticket; the server, speaking 1.3, ignores it.
    const both = new TlsClientContext({ ca: pki.rootPem, ticketStore: store }).connection({ serverName: 'localhost' });
    const s2 = server.connection();
    await handshakePair(both, s2);
    expect([both.negotiated!.version, both.negotiated!.resumed]).toEqual(['TLSv1.3', false]);
    // The 1.2 ticket was taken; with a new one, a 1.2-only server resumes.
    const again = client({ ticketStore: store });
    const s3 = serverContext('p256', { maxVersion: 'TLSv1.2' }).connection();
    await handshakePair(again, s3);
    expect(again.negotiated!.resumed).toBe(false); // another context: other ticket keys
  });

  it('the OpenSSL contract as for TLS 1.3: shutdown 0 then 1, ZERO_RETURN after close_notify, truncation is SYSCALL, bounded writes', async () => {
    const c = client();
    const s = serverContext().connection();
    await handshakePair(c, s);
    // Partial writes up to the outgoing buffer limit, then WANT_WRITE until the output is taken.
    const big = new Uint8Array(1024 * 1024);
    const n = s.write(big);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(big.length);
    expect(s.write(big.subarray(n))).toBe(-1);
    expect(s.getError()).toBe(SslError.WANT_WRITE);
    c.receive(s.takeOutput());
    let got = 0;
    for (let chunk = c.readAvailable(); chunk !== null; chunk = c.readAvailable()) got += chunk.length;
    expect(got).toBe(n);
    expect(c.getError()).toBe(SslError.WANT_READ);
    // Clean close: 0 (ours sent), the peer sees ZERO_RETURN, answers, then 1.
    expect(c.shutdown()).toBe(0);
    expect(c.getError()).toBe(SslError.WANT_READ);
    s.receive(c.takeOutput());
    expect(s.read(new Uint8Array(10))).toBe(0);
    expect(s.getError()).toBe(SslError.ZERO_RETURN);
    expect(s.shutdown()).toBe(1);
    c.receive(s.takeOutput());
    expect(c.shutdown()).toBe(1);
    // Truncation: the transport ends without close_notify.
    const c2 = client();
    const s2 = serverContext().connection();
    await handshakePair(c2, s2);
    c2.receiveEnd();
    expect(c2.readAvailable()).toBeNull();
    expect(c2.getError()).toBe(SslError.SYSCALL);
    expect(c2.error?.message).toMatch(/truncated/);
  });

  it('SNI reaches the server, ALPN goes by the server\'s preference, record_size_limit counts plaintext (RFC 8449 §4)', async () => {
    const server = new TlsServerContext({
      certificates: [
        { chain: [pki.servers.rsa2048.certPem, pki.intermediatePem], key: pki.servers.rsa2048.keyPem },
        { chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem },
      ],
      alpnProtocols: ['h2', 'http/1.1'],
      recordSizeLimit: 1000,
    });
    const c = client({ alpnProtocols: ['http/1.1', 'h2'], recordSizeLimit: 512 });
    const s = server.connection();
    await handshakePair(c, s);
    expect([c.negotiated!.alpn, s.negotiated!.alpn]).toEqual(['h2', 'h2']);
    expect([c.negotiated!.serverName, s.negotiated!.serverName]).toEqual(['localhost', 'localhost']);
    // Records from the server carry at most 512 bytes of plaintext; from the client at most 1000.
    s.write(new Uint8Array(3000));
    const fromServer = splitFlight(s.takeOutput());
    const gcmOverhead = 8 + 16; // explicit nonce and tag
    for (const p of fromServer) expect((p as { record: Uint8Array }).record.length - 5 - gcmOverhead).toBeLessThanOrEqual(512);
    expect(fromServer).toHaveLength(Math.ceil(3000 / 512));
    c.write(new Uint8Array(3000));
    const fromClient = splitFlight(c.takeOutput());
    expect(fromClient).toHaveLength(Math.ceil(3000 / 1000));
  });

  it('client certificates: sent, validated, refused when required and missing (handshake_failure)', async () => {
    const server = serverContext('p256', { clientAuth: { ca: pki.rootPem } });
    const c = client({ certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } });
    const s = server.connection();
    await handshakePair(c, s);
    expect(s.negotiated!.verifiedPath).toHaveLength(3);
    expect(s.negotiated!.peerCertificates).toHaveLength(2);
    const bare = client();
    const s2 = server.connection();
    await expect(handshakePair(bare, s2)).rejects.toThrow(TlsError);
    expectFailure(s2, 'handshake_failure', /no certificate/);
  });
});

describe('TLS 1.2: version negotiation and downgrade protection', () => {
  it('a 1.3-capable client and server pick TLS 1.3; with maxVersion TLSv1.2 on either side, TLS 1.2', async () => {
    const cases: [Partial<ClientConfig>, Partial<ServerConfig>, string][] = [
      [{}, {}, 'TLSv1.3'],
      [{ maxVersion: 'TLSv1.2' }, {}, 'TLSv1.2'],
      [{}, { maxVersion: 'TLSv1.2' }, 'TLSv1.2'],
    ];
    for (const [clientExtra, serverExtra, version] of cases) {
      const c = new TlsClientContext({ ca: pki.rootPem, ...clientExtra }).connection({ serverName: 'localhost' });
      const s = serverContext('p256', serverExtra).connection();
      await handshakePair(c, s);
      expect([c.negotiated!.version, s.negotiated!.version]).toEqual([version, version]);
    }
  });

  it('no version in common: protocol_version, naming what each side speaks', async () => {
    const c = client();
    const s = serverContext('p256', { minVersion: 'TLSv1.3' }).connection();
    await expect(handshakePair(c, s)).rejects.toThrow(TlsError);
    expectFailure(s, 'protocol_version', /client offers TLSv1\.2.*; we speak only TLSv1\.3/);
    const c2 = new TlsClientContext({ ca: pki.rootPem, minVersion: 'TLSv1.3' }).connection({ serverName: 'localhost' });
    const s2 = serverContext('p256', { maxVersion: 'TLSv1.2' }).connection();
    await expect(handshakePair(c2, s2)).rejects.toThrow(TlsError);
    expectFailure(s2, 'protocol_version', /client offers TLSv1\.3; we speak only TLSv1\.2/);
  });

  it('a man in the middle strips TLS 1.3 from the ClientHello: the server puts DOWNGRD in its random, the client refuses (illegal_parameter)', async () => {
    const strip = (exts: readonly Extension[]): Extension[] => exts.filter((e) => e.type !== ExtensionType.supported_versions && e.type !== ExtensionType.key_share);
    const c = new TlsClientContext({ ca: pki.rootPem, testing: { rewriteClientHelloExtensions: strip } }).connection({ serverName: 'localhost' });
    const s = serverContext('p256').connection();
    await expect(handshakePair(c, s)).rejects.toThrow(TlsError);
    expectFailure(c, 'illegal_parameter', /downgrade sentinel/);
  });

  it('a server that answers with TLS 1.1: protocol_version, naming both sides', () => {
    const c = client();
    c.connect();
    c.takeOutput();
    const s = serverContext('p256', { maxVersion: 'TLSv1.2' }).connection();
    // A real TLS 1.2 ServerHello, turned into a TLS 1.1 one.
    const hello = new TlsClientContext({ ca: pki.rootPem, maxVersion: 'TLSv1.2' }).connection({ serverName: 'localhost' });
    hello.connect();
    s.receive(hello.takeOutput());
    s.accept();
    const parts = splitFlight(s.takeOutput());
    const sh = decodeServerHello((parts[0] as { message: Uint8Array }).message.subarray(4));
    parts[0] = { message: withBody((parts[0] as { message: Uint8Array }).message, encodeServerHello({ ...sh, legacyVersion: 0x0302 })) };
    c.receive(joinFlight(parts));
    expect(c.connect()).toBe(-1);
    expectFailure(c, 'protocol_version', /server negotiated TLSv1\.1; we speak only TLSv1\.2/);
  });
});

/**
 * A TLS 1.2 client fed the server's first flight after `mutate` changed it. Returns the client
 * after it processed that flight.
 */
async function clientMeets(mutate: (parts: FlightPart[]) => FlightPart[], clientExtra: Partial<ClientConfig> = {}, serverExtra: Partial<ServerConfig> = {}): Promise<TlsConnection> {
  const c = client(clientExtra);
  const first = await serverFirstFlight(c, serverContext('p256', serverExtra).connection());
  await clientAnswers(c, joinFlight(mutate(splitFlight(first))));
  return c;
}

/** The client's ClientHello to the server; the server's first flight (ServerHello..ServerHelloDone). */
async function serverFirstFlight(c: TlsConnection, s: TlsConnection): Promise<Uint8Array> {
  c.connect();
  s.receive(c.takeOutput());
  s.accept();
  await s.asyncReady();
  s.accept();
  return s.takeOutput();
}

/** Feed `flight` to the client and let it answer (awaiting its asynchronous checks); its output. */
async function clientAnswers(c: TlsConnection, flight: Uint8Array): Promise<Uint8Array> {
  c.receive(flight);
  for (let i = 0; i < 5 && c.connect() === -1 && c.getError() === SslError.WANT_ASYNC; i++) await c.asyncReady();
  return c.takeOutput();
}

const messageOf = (parts: FlightPart[], type: number): number => parts.findIndex((p) => 'message' in p && p.message[0] === type);
const body = (p: FlightPart): Uint8Array => ('message' in p ? p.message.subarray(4) : new Uint8Array(0));
const replaceBody = (parts: FlightPart[], type: number, make: (body: Uint8Array) => Uint8Array): FlightPart[] => {
  const i = messageOf(parts, type);
  const copy = [...parts];
  copy[i] = { message: withBody((parts[i] as { message: Uint8Array }).message, make(body(parts[i]!))) };
  return copy;
};
const serverHelloWith = (change: (exts: Extension[]) => Extension[], extra: Partial<ReturnType<typeof decodeServerHello>> = {}) => (parts: FlightPart[]): FlightPart[] =>
  replaceBody(parts, HandshakeType.server_hello, (b) => {
    const sh = decodeServerHello(b);
    return encodeServerHello({ ...sh, ...extra, extensions: change(sh.extensions) });
  });

describe('TLS 1.2: a hostile server', () => {
  it('ServerHello: a suite we did not offer → illegal_parameter', async () => {
    expectFailure(await clientMeets(serverHelloWith((e) => e, { cipherSuite: 0xc013 }), {}, {}), 'illegal_parameter', /did not offer/);
  });
  it('ServerHello: an extension we did not offer → unsupported_extension', async () => {
    expectFailure(await clientMeets(serverHelloWith((e) => [...e, { type: 15 /* heartbeat */, data: Uint8Array.of(1) }])), 'unsupported_extension');
  });
  it('ServerHello: renegotiation_info not empty → handshake_failure', async () => {
    expectFailure(await clientMeets(serverHelloWith((e) => e.map((x) => (x.type === ExtensionType.renegotiation_info ? { type: x.type, data: encodeRenegotiationInfo(new Uint8Array(12)) } : x)))), 'handshake_failure', /renegotiation_info/);
  });
  it('ServerHello: no extended master secret → handshake_failure, unless allowed', async () => {
    const noEms = serverHelloWith((e) => e.filter((x) => x.type !== ExtensionType.extended_master_secret));
    expectFailure(await clientMeets(noEms), 'handshake_failure', /extended master secret/);
    // Allowed, the handshake goes on until the Finished (computed by the server with EMS) fails to verify.
    const allowed = await clientMeets(noEms, { requireExtendedMasterSecret: false });
    expect(allowed.getError()).toBe(SslError.WANT_READ);
  });
  it('ServerHello: ec_point_formats without uncompressed → illegal_parameter', async () => {
    expectFailure(await clientMeets(serverHelloWith((e) => [...e.filter((x) => x.type !== ExtensionType.ec_point_formats), { type: ExtensionType.ec_point_formats, data: encodeEcPointFormats([1]) }])), 'illegal_parameter', /uncompressed/);
  });
  it('ServerHello echoing our session id when we offered no session → illegal_parameter', async () => {
    // The client sent a random session id (middlebox compatibility); a server that echoes it claims a resumption.
    let clientSessionId: Uint8Array = new Uint8Array(0);
    const echo = (parts: FlightPart[]): FlightPart[] => serverHelloWith((e) => e, { legacySessionIdEcho: clientSessionId })(parts);
    const c2 = client();
    c2.connect();
    const hello = c2.takeOutput();
    clientSessionId = decodeClientHello(hello.subarray(9)).legacySessionId;
    const s = serverContext().connection();
    s.receive(hello);
    s.accept();
    await s.asyncReady();
    s.accept();
    c2.receive(joinFlight(echo(splitFlight(s.takeOutput()))));
    c2.connect();
    expectFailure(c2, 'illegal_parameter', /offered no session/);
  });
  it('ServerKeyExchange: a curve type other than named_curve → illegal_parameter', async () => {
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.server_key_exchange, (b) => Uint8Array.of(1, ...b.subarray(1)))), 'illegal_parameter', /named_curve/);
  });
  it('ServerKeyExchange: a group we did not offer → illegal_parameter', async () => {
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.server_key_exchange, (b) => Uint8Array.of(3, 0, NamedGroup.secp521r1, ...b.subarray(3)))), 'illegal_parameter', /did not offer/);
  });
  it('ServerKeyExchange: a changed signature → decrypt_error; a changed point → decrypt_error', async () => {
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.server_key_exchange, (b) => Uint8Array.from(b, (x, i) => (i === b.length - 5 ? x ^ 1 : x)))), 'decrypt_error', /does not verify/);
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.server_key_exchange, (b) => Uint8Array.from(b, (x, i) => (i === 10 ? x ^ 1 : x)))), 'decrypt_error');
  });
  it('ServerKeyExchange signed with a scheme we did not offer (ecdsa_sha1) → illegal_parameter', async () => {
    // The algorithm follows curve type (1), group (2) and the point (1 + length).
    const sha1 = (b: Uint8Array): Uint8Array => Uint8Array.from(b, (x, i) => (i === 4 + b[3]! ? 0x02 : i === 5 + b[3]! ? 0x03 : x));
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.server_key_exchange, sha1)), 'illegal_parameter', /ecdsa_sha1, which we did not offer/);
  });
  it('messages out of order: ServerKeyExchange before Certificate, a missing ServerHelloDone, a message after it', async () => {
    const swap = (parts: FlightPart[]): FlightPart[] => {
      const c = messageOf(parts, HandshakeType.certificate);
      const k = messageOf(parts, HandshakeType.server_key_exchange);
      const copy = [...parts];
      [copy[c], copy[k]] = [copy[k]!, copy[c]!];
      return copy;
    };
    expectFailure(await clientMeets(swap), 'unexpected_message');
    const twice = (parts: FlightPart[]): FlightPart[] => [...parts, parts[messageOf(parts, HandshakeType.server_key_exchange)]!];
    expectFailure(await clientMeets(twice), 'unexpected_message');
    const dropDone = (parts: FlightPart[]): FlightPart[] => parts.filter((p) => !('message' in p) || p.message[0] !== HandshakeType.server_hello_done);
    expect((await clientMeets(dropDone)).getError()).toBe(SslError.WANT_READ);
  });
  it('ServerHelloDone with a body → decode_error; an empty Certificate → decode_error', async () => {
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.server_hello_done, () => Uint8Array.of(0))), 'decode_error');
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.certificate, () => Uint8Array.of(0, 0, 0))), 'decode_error', /empty Certificate/);
  });
  it('HelloRequest after the handshake: ignored (no alert, data goes on); more than 64 without data → unexpected_message', async () => {
    const c = client();
    const s = serverContext().connection();
    await handshakePair(c, s);
    const seal = (conn: TlsConnection, type: number, body: Uint8Array): Uint8Array => (conn as unknown as { records: { encodeRecords(t: number, b: Uint8Array): Uint8Array } }).records.encodeRecords(type, body);
    const helloRequest = Uint8Array.of(HandshakeType.hello_request, 0, 0, 0);
    c.receive(seal(s, ContentType.handshake, helloRequest));
    expect(c.readAvailable()).toBeNull();
    expect(c.getError()).toBe(SslError.WANT_READ);
    expect(c.takeOutput().length).toBe(0); // no alert, no ClientHello
    const data = randomBytes(1000);
    expect(Buffer.from(transfer(s, c, data)).equals(data)).toBe(true);
    for (let i = 0; i < 65; i++) c.receive(seal(s, ContentType.handshake, helloRequest));
    for (let i = 0; i < 5 && c.readAvailable() === null && c.getError() === SslError.WANT_READ; i++);
    expectFailure(c, 'unexpected_message', /post-handshake messages without application data/);
  });

  it('a change_cipher_spec before the server Finished is due → unexpected_message', async () => {
    const ccs = { record: Uint8Array.of(ContentType.change_cipher_spec, 3, 3, 0, 1, 1) };
    expectFailure(await clientMeets((p) => [p[0]!, ccs, ...p.slice(1)]), 'unexpected_message');
  });
});

/** A TLS 1.2 server fed `mutate`'s version of the client's ClientHello. */
function serverMeetsHello(mutate: (hello: ReturnType<typeof decodeClientHello>) => ReturnType<typeof decodeClientHello>, serverExtra: Partial<ServerConfig> = {}): TlsConnection {
  const c = client();
  c.connect();
  const parts = splitFlight(c.takeOutput());
  const hello = decodeClientHello(body(parts[0]!));
  const s = serverContext('p256', serverExtra).connection();
  s.receive(joinFlight([{ message: withBody((parts[0] as { message: Uint8Array }).message, encodeClientHello(mutate(hello))) }]));
  s.accept();
  return s;
}
const helloExtensions = (change: (e: Extension[]) => Extension[]) => (h: ReturnType<typeof decodeClientHello>) => ({ ...h, extensions: change(h.extensions) });

describe('TLS 1.2: a hostile client', () => {
  it('no extended master secret → handshake_failure (and a warning-free refusal), unless allowed', () => {
    const noEms = helloExtensions((e) => e.filter((x) => x.type !== ExtensionType.extended_master_secret));
    const s = serverMeetsHello(noEms);
    expectFailure(s, 'handshake_failure', /extended master secret/);
    expect(lastAlertSent(s.takeOutput())).toBe(40);
    expect(serverMeetsHello(noEms, { requireExtendedMasterSecret: false }).getError()).not.toBe(SslError.SSL);
  });
  it('renegotiation_info not empty → handshake_failure', () => {
    expectFailure(serverMeetsHello(helloExtensions((e) => e.map((x) => (x.type === ExtensionType.renegotiation_info ? { type: x.type, data: encodeRenegotiationInfo(Uint8Array.of(1)) } : x)))), 'handshake_failure');
  });
  it('ec_point_formats without uncompressed → illegal_parameter; no null compression → illegal_parameter', () => {
    expectFailure(serverMeetsHello(helloExtensions((e) => e.map((x) => (x.type === ExtensionType.ec_point_formats ? { type: x.type, data: encodeEcPointFormats([2]) } : x)))), 'illegal_parameter');
    expectFailure(serverMeetsHello((h) => ({ ...h, legacyCompressionMethods: [1] })), 'illegal_parameter', /null compression/);
  });
  it('no signature_algorithms → handshake_failure (TLS 1.2 would then mean SHA-1)', () => {
    expectFailure(serverMeetsHello(helloExtensions((e) => e.filter((x) => x.type !== ExtensionType.signature_algorithms))), 'handshake_failure', /SHA-1/);
  });
  it('TLS_FALLBACK_SCSV from a client that offers less than we speak → inappropriate_fallback', () => {
    expectFailure(serverMeetsHello((h) => ({ ...h, cipherSuites: [...h.cipherSuites, 0x5600] })), 'inappropriate_fallback');
    expect(serverMeetsHello((h) => ({ ...h, cipherSuites: [...h.cipherSuites, 0x5600] }), { maxVersion: 'TLSv1.2' }).getError()).not.toBe(SslError.SSL);
  });
  it('no suite in common → handshake_failure; only the groups of no certificate curve → handshake_failure', () => {
    expectFailure(serverMeetsHello((h) => ({ ...h, cipherSuites: [0xc02f] })), 'handshake_failure'); // an RSA suite, an ECDSA certificate
    expectFailure(serverMeetsHello(helloExtensions((e) => e.map((x) => (x.type === ExtensionType.supported_groups ? { type: x.type, data: Uint8Array.of(0, 2, 0, NamedGroup.x25519) } : x)))), 'handshake_failure');
  });

  /** The client's second flight (Certificate?, ClientKeyExchange, CertificateVerify?, CCS, Finished) after `mutate`, fed to the server. */
  async function serverMeetsClientFlight(mutate: (parts: FlightPart[]) => FlightPart[], serverExtra: Partial<ServerConfig> = {}, clientExtra: Partial<ClientConfig> = {}): Promise<TlsConnection> {
    const c = client(clientExtra);
    const s = serverContext('p256', serverExtra).connection();
    const second = await clientAnswers(c, await serverFirstFlight(c, s));
    s.receive(joinFlight(mutate(splitFlight(second))));
    for (let i = 0; i < 5 && s.accept() === -1 && s.getError() === SslError.WANT_ASYNC; i++) await s.asyncReady();
    return s;
  }

  it('ClientKeyExchange: an invalid point → illegal_parameter; an empty one → decode_error', async () => {
    expectFailure(await serverMeetsClientFlight((p) => replaceBody(p, HandshakeType.client_key_exchange, () => Uint8Array.of(32, ...new Uint8Array(32)))), 'illegal_parameter');
    expectFailure(await serverMeetsClientFlight((p) => replaceBody(p, HandshakeType.client_key_exchange, () => Uint8Array.of(0))), 'decode_error');
  });

  it('a CertificateVerify nobody asked for → unexpected_message; a Finished before change_cipher_spec → unexpected_message', async () => {
    const cv = { message: Uint8Array.of(HandshakeType.certificate_verify, 0, 0, 4, 4, 3, 0, 0) };
    expectFailure(await serverMeetsClientFlight((p) => [...p.slice(0, messageOf(p, HandshakeType.client_key_exchange) + 1), cv, ...p.slice(messageOf(p, HandshakeType.client_key_exchange) + 1)]), 'unexpected_message');
    const finished = { message: Uint8Array.of(HandshakeType.finished, 0, 0, 12, ...new Uint8Array(12)) };
    expectFailure(await serverMeetsClientFlight((p) => [...p.slice(0, messageOf(p, HandshakeType.client_key_exchange) + 1), finished]), 'unexpected_message');
  });

  it('client certificates: a changed CertificateVerify signature → decrypt_error; an empty certificate_list when one is required → handshake_failure', async () => {
    const withCert = { certificate: { chain: [pki.client.certPem, pki.intermediatePem], key: pki.client.keyPem } };
    const flip = (b: Uint8Array): Uint8Array => Uint8Array.from(b, (x, i) => (i === b.length - 3 ? x ^ 1 : x));
    expectFailure(await serverMeetsClientFlight((p) => replaceBody(p, HandshakeType.certificate_verify, flip), { clientAuth: { ca: pki.rootPem } }, withCert), 'decrypt_error', /does not verify/);
    expectFailure(await serverMeetsClientFlight((p) => p, { clientAuth: { ca: pki.rootPem } }), 'handshake_failure', /no certificate/);
  });

  it('CertificateRequest with no signature algorithm → decode_error; NewSessionTicket with trailing bytes → decode_error', async () => {
    expectFailure(await clientMeets((p) => replaceBody(p, HandshakeType.certificate_request, () => Uint8Array.of(1, 64, 0, 0, 0, 0)), {}, { clientAuth: { ca: pki.rootPem } }), 'decode_error');
    // The server's ticket comes in the clear before its change_cipher_spec.
    const c = client();
    const s = serverContext().connection();
    s.receive(await clientAnswers(c, await serverFirstFlight(c, s)));
    s.accept();
    const second = replaceBody(splitFlight(s.takeOutput()), HandshakeType.new_session_ticket, (b) => Uint8Array.of(...b, 0));
    c.receive(joinFlight(second));
    c.connect();
    expectFailure(c, 'decode_error');
  });

  it('a renegotiating ClientHello after the handshake: no_renegotiation warning, and the connection goes on', async () => {
    const c = client();
    const s = serverContext().connection();
    await handshakePair(c, s);
    // The client's own ClientHello bytes, sealed as a handshake record under its keys: what a renegotiating client sends.
    const again = client();
    again.connect();
    const helloMessage = (splitFlight(again.takeOutput())[0] as { message: Uint8Array }).message;
    const sealed = (c as unknown as { records: { encodeRecords(t: number, b: Uint8Array): Uint8Array } }).records.encodeRecords(ContentType.handshake, helloMessage);
    s.receive(sealed);
    expect(s.readAvailable()).toBeNull();
    expect(s.getError()).toBe(SslError.WANT_READ);
    // One protected alert record (its type is in the clear in TLS 1.2): the no_renegotiation warning.
    const reply = s.takeOutput();
    expect([reply[0], reply.length]).toEqual([ContentType.alert, 5 + 8 + 2 + 16]);
    expect(s.isEstablished).toBe(true);
    // The connection goes on: the client's data still reaches the server.
    const data = randomBytes(100);
    expect(Buffer.from(transfer(c, s, data)).equals(data)).toBe(true);
    // A client that keeps asking meets the hardening cap: 64 post-handshake messages without data.
    const clientRecords = (c as unknown as { records: { encodeRecords(t: number, b: Uint8Array): Uint8Array } }).records;
    for (let i = 0; i < 70; i++) s.receive(clientRecords.encodeRecords(ContentType.handshake, helloMessage));
    for (let i = 0; i < 10 && s.readAvailable() === null && s.getError() === SslError.WANT_READ; i++);
    expectFailure(s, 'unexpected_message', /post-handshake messages without application data/);
  });
});
