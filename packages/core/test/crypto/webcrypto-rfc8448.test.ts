// RFC 8448 replayed byte for byte through the engine with the WebCrypto provider: the trace's
// private key shares are imported into WebCrypto as PKCS#8, so key generation, key agreement
// and the server's CertificateVerify (RSA-PSS, 1024-bit key) all go through WebCrypto
// promises, and the engine parks on each (WANT_ASYNC).
import { describe, expect, it } from 'vitest';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { webCryptoKeyPairFromPrivateKey, webCryptoProvider } from '../../src/crypto/webcrypto/index.ts';
import type { CryptoProvider, KeyExchangeGroup } from '../../src/crypto/provider.ts';
import { TlsClientContext } from '../../src/engine/context.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import type { EngineEvent } from '../../src/handshake/events.ts';
import { toHex } from '../../src/bytes/util.ts';
import { concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { all, section3, shapeLikeTrace, steps } from '../handshake/trace-fixture.ts';

/** The trace client of `section`, on the WebCrypto provider with the trace's randomness and key shares. */
function webCryptoTraceClient(section: string, keyShares: Partial<Record<KeyExchangeGroup, Uint8Array>>): { conn: TlsConnection; events: EngineEvent[]; asyncWaits: string[] } {
  const hellos = all(section, 'client', 'construct a ClientHello', 'ClientHello');
  const deterministic = createDeterministicProvider(webCryptoProvider, { random: [hellos[0]!.subarray(6, 38)] });
  const asyncWaits: string[] = [];
  const provider: CryptoProvider = {
    ...deterministic,
    generateKeyPair(group) {
      const key = keyShares[group];
      if (key === undefined) throw new Error(`no private key injected for ${group}`);
      asyncWaits.push(`generateKeyPair ${group}`);
      return webCryptoKeyPairFromPrivateKey(group, key);
    },
  };
  const ctx = new TlsClientContext({
    provider,
    dangerouslyDisableCertificateVerification: true, // the trace's certificate is not from a CA we hold; CertificateVerify is still checked
    cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
    groups: ['x25519', 'secp256r1', 'secp384r1'],
    middleboxCompatibility: false,
    minVersion: 'TLSv1.3', // the trace's ClientHello offers TLS 1.3 only
    testing: { rewriteClientHelloExtensions: shapeLikeTrace(hellos) },
  });
  const conn = ctx.connection({ serverName: 'server' });
  conn.keylogEnabled = true;
  const events: EngineEvent[] = [];
  conn.onEvent((e) => events.push(e));
  return { conn, events, asyncWaits };
}

/** Call `step` until it stops asking for WANT_ASYNC; returns its result and how often it parked. */
async function untilNotAsync(conn: TlsConnection, step: () => number): Promise<{ result: number; parked: number }> {
  let parked = 0;
  for (;;) {
    const result = step();
    if (result !== -1 || conn.getError() !== SslError.WANT_ASYNC) return { result, parked };
    parked++;
    await conn.asyncReady();
  }
}

function keylogSecret(events: EngineEvent[], label: string): string {
  const line = events.find((e) => e.channel === 'keylog' && e.line.startsWith(`${label} `));
  if (line?.channel !== 'keylog') throw new Error(`no ${label} line`);
  return line.line.split(' ')[2]!;
}

const traceSecret = (section: string, label: string): string => toHex(traceValue(steps, section, 'server', `derive secret "${label}"`, 'expanded'));

describe('RFC 8448 §3 through the engine on the WebCrypto provider', () => {
  const section = '3';
  const clientRecords = all(section, 'client', 'send handshake record', 'complete record');
  const serverRecords = all(section, 'server', 'send handshake record', 'complete record');
  const { conn, events } = webCryptoTraceClient(section, { x25519: traceValue(steps, section, 'client', 'create an ephemeral x25519 key pair', 'private key') });

  it('parks on the WebCrypto key generation, then sends the trace ClientHello record', async () => {
    const { result, parked } = await untilNotAsync(conn, () => conn.connect());
    expect(result).toBe(-1);
    expect(parked).toBeGreaterThanOrEqual(1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[0]!));
  });

  it('parks on key agreement and on the CertificateVerify check, then derives every secret of the trace', async () => {
    conn.receive(serverRecords[0]!);
    conn.receive(serverRecords[1]!);
    const { result, parked } = await untilNotAsync(conn, () => conn.connect());
    expect(result).toBe(1);
    expect(parked).toBeGreaterThanOrEqual(2); // deriveBits, then RSA-PSS verify
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret(section, 'tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret(section, 'tls13 s hs traffic'));
    expect(keylogSecret(events, 'CLIENT_TRAFFIC_SECRET_0')).toBe(traceSecret(section, 'tls13 c ap traffic'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(traceSecret(section, 'tls13 s ap traffic'));
    expect(keylogSecret(events, 'EXPORTER_SECRET')).toBe(traceSecret(section, 'tls13 exp master'));
    expect(conn.negotiated?.signatureScheme).toBe('rsa_pss_rsae_sha256');
  });

  it('sends the trace client Finished, then exchanges the trace application data (sealed and opened by WebCrypto: WANT_ASYNC, then the same call again)', async () => {
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[1]!));
    const clientData = traceValue(steps, section, 'client', 'send application_data record', 'payload');
    expect(conn.write(clientData)).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_ASYNC);
    expect(conn.pendingOutput).toBe(0); // the record is being sealed
    const written = await untilNotAsync(conn, () => conn.write(clientData));
    expect(written.result).toBe(50);
    expect(toHex(conn.takeOutput())).toBe(toHex(traceValue(steps, section, 'client', 'send application_data record', 'complete record')));
    conn.receive(serverRecords[2]!); // NewSessionTicket
    conn.receive(traceValue(steps, section, 'server', 'send application_data record', 'complete record'));
    const buf = new Uint8Array(100);
    const read = await untilNotAsync(conn, () => conn.read(buf));
    expect(read.result).toBe(50); // the NewSessionTicket and the data record were opened at once, then handled in order
    expect(read.parked).toBeGreaterThanOrEqual(1);
    expect(toHex(buf.subarray(0, 50))).toBe(toHex(traceValue(steps, section, 'server', 'send application_data record', 'payload')));
  });
});

describe('RFC 8448 §3 on the WebCrypto provider: a changed CertificateVerify signature fails the handshake', () => {
  /** The §3 server's encrypted flight (EE, Certificate, CertificateVerify, Finished) sealed again with its handshake key. */
  function sealFlight(certificateVerify: Uint8Array): Uint8Array {
    const inner = concat(section3.encryptedExtensions, section3.certificate, certificateVerify, section3.finished, new Uint8Array([ContentType.handshake]));
    const length = inner.length + 16;
    const header = new Uint8Array([ContentType.application_data, 0x03, 0x03, length >> 8, length & 0xff]);
    // RFC 8446 §5.3: the first record under a key uses the IV itself as nonce (sequence number 0).
    return concat(header, nobleProvider.createAead('AES-128-GCM', section3.serverHandshakeKey).seal(section3.serverHandshakeIv, header, inner));
  }

  it('sealing the unchanged flight gives the trace record (the construction is right)', () => {
    expect(toHex(sealFlight(section3.certificateVerify))).toBe(toHex(all('3', 'server', 'send handshake record', 'complete record')[1]!));
  });

  it('decrypt_error, reached after parking on the WebCrypto RSA-PSS verify', async () => {
    const section = '3';
    const { conn } = webCryptoTraceClient(section, { x25519: traceValue(steps, section, 'client', 'create an ephemeral x25519 key pair', 'private key') });
    await untilNotAsync(conn, () => conn.connect());
    conn.takeOutput();
    const cv = section3.certificateVerify.slice();
    cv[cv.length - 1]! ^= 1;
    conn.receive(all(section, 'server', 'send handshake record', 'complete record')[0]!);
    conn.receive(sealFlight(cv));
    const { result, parked } = await untilNotAsync(conn, () => conn.connect());
    expect(result).toBe(-1);
    expect(parked).toBeGreaterThanOrEqual(2);
    expect(conn.getError()).toBe(SslError.SSL);
    expect(conn.error).toBeInstanceOf(TlsError);
    expect((conn.error as TlsError).alertName).toBe('decrypt_error');
  });
});

describe('RFC 8448 §5 HelloRetryRequest on the WebCrypto provider (P-256 share imported as PKCS#8)', () => {
  const section = '5';
  const clientRecords = all(section, 'client', 'send handshake record', 'complete record');
  const serverRecords = all(section, 'server', 'send handshake record', 'complete record');
  const { conn, events, asyncWaits } = webCryptoTraceClient(section, {
    x25519: traceValue(steps, section, 'client', 'create an ephemeral x25519 key pair', 'private key'),
    secp256r1: traceValue(steps, section, 'client', 'create an ephemeral P-256 key pair', 'private key'),
  });

  it('sends both trace ClientHellos and completes with the trace secrets and Finished', async () => {
    expect((await untilNotAsync(conn, () => conn.connect())).result).toBe(-1);
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[0]!));
    conn.receive(serverRecords[0]!); // HelloRetryRequest
    expect((await untilNotAsync(conn, () => conn.connect())).result).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[1]!));
    expect(asyncWaits).toEqual(['generateKeyPair x25519', 'generateKeyPair secp256r1']);
    conn.receive(serverRecords[1]!);
    conn.receive(serverRecords[2]!);
    expect((await untilNotAsync(conn, () => conn.connect())).result).toBe(1);
    expect(keylogSecret(events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(traceSecret(section, 'tls13 c hs traffic'));
    expect(keylogSecret(events, 'SERVER_TRAFFIC_SECRET_0')).toBe(traceSecret(section, 'tls13 s ap traffic'));
    expect(toHex(conn.takeOutput())).toBe(toHex(clientRecords[2]!));
    expect(conn.negotiated?.group).toBe('secp256r1');
  });
});
