// rxtls client <-> rxtls server, in memory: every suite x group x certificate type, HRR, ALPN,
// SNI certificate selection, random chunking, and the server's refusals.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import type { CipherSuiteName } from '../../src/handshake/config.ts';
import type { KeyExchangeGroup } from '../../src/crypto/provider.ts';
import { getTestPki } from '../support/pki.ts';
import { handshakePair, transfer } from './pair.ts';

const pki = await getTestPki();
const SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const CERTS = ['p256', 'p384', 'ed25519', 'rsa2048'] as const;
const SCHEME = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', ed25519: 'ed25519', rsa2048: 'rsa_pss_rsae_sha256' } as const;

function serverFor(kind: (typeof CERTS)[number], extra: Partial<ConstructorParameters<typeof TlsServerContext>[0]> = {}): TlsServerContext {
  return new TlsServerContext({ certificates: [{ chain: [pki.servers[kind].certPem, pki.intermediatePem], key: pki.servers[kind].keyPem }], ...extra });
}

describe('rxtls client <-> rxtls server', () => {
  for (const kind of CERTS) {
    const server = serverFor(kind);
    for (const suite of SUITES) {
      for (const group of GROUPS) {
        it(`${kind} ${suite} ${group}`, async () => {
          const client = new TlsClientContext({ ca: pki.rootPem, cipherSuites: [suite], groups: [group] }).connection({ serverName: 'localhost' });
          const conn = server.connection();
          await handshakePair(client, conn);
          for (const side of [client, conn]) {
            expect(side.negotiated?.cipherSuite).toBe(suite);
            expect(side.negotiated?.group).toBe(group);
            expect(side.negotiated?.signatureScheme).toBe(SCHEME[kind]);
          }
          expect(client.negotiated?.verifiedPath).toHaveLength(3);
          const up = randomBytes(100_000);
          const down = randomBytes(100_000);
          expect(Buffer.from(transfer(client, conn, up)).equals(up)).toBe(true);
          expect(Buffer.from(transfer(conn, client, down)).equals(down)).toBe(true);
        });
      }
    }
  }

  it('HelloRetryRequest: the server accepts only P-256, the client shares x25519 first', async () => {
    const server = serverFor('p256', { groups: ['secp256r1'] });
    const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    const conn = server.connection();
    await handshakePair(client, conn);
    expect(client.negotiated?.helloRetry).toBe(true);
    expect(conn.negotiated?.helloRetry).toBe(true);
    expect(conn.negotiated?.group).toBe('secp256r1');
  });

  it('ALPN: the server picks by its own preference', async () => {
    const server = serverFor('p256', { alpnProtocols: ['h2', 'http/1.1'] });
    const client = new TlsClientContext({ ca: pki.rootPem, alpnProtocols: ['http/1.1', 'h2'] }).connection({ serverName: 'localhost' });
    const conn = server.connection();
    await handshakePair(client, conn);
    expect(client.negotiated?.alpn).toBe('h2');
    expect(conn.negotiated?.alpn).toBe('h2');
  });

  it('ALPN with nothing in common: no_application_protocol', async () => {
    const server = serverFor('p256', { alpnProtocols: ['h2'] });
    const client = new TlsClientContext({ ca: pki.rootPem, alpnProtocols: ['http/1.1'] }).connection({ serverName: 'localhost' });
    const conn = server.connection();
    await expect(handshakePair(client, conn)).rejects.toBeInstanceOf(TlsError);
    expect((conn.error as TlsError).alertName).toBe('no_application_protocol');
    client.receive(conn.takeOutput()); // the server's alert
    expect(client.connect()).toBe(-1);
    expect((client.error as TlsError).alertName).toBe('no_application_protocol');
    expect((client.error as TlsError).origin).toBe('peer');
  });

  it('SNI picks the certificate that names the host; signature_algorithms picks among keys', async () => {
    const server = new TlsServerContext({
      certificates: [
        { chain: [pki.bad.wrongHost.certPem, pki.intermediatePem], key: pki.bad.wrongHost.keyPem },
        { chain: [pki.servers.ed25519.certPem, pki.intermediatePem], key: pki.servers.ed25519.keyPem },
        { chain: [pki.servers.rsa2048.certPem, pki.intermediatePem], key: pki.servers.rsa2048.keyPem },
      ],
    });
    const viaSni = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    await handshakePair(viaSni, server.connection());
    expect(viaSni.negotiated?.signatureScheme).toBe('ed25519');
    const rsaOnly = new TlsClientContext({ ca: pki.rootPem, signatureSchemes: ['rsa_pss_rsae_sha256'] }).connection({ serverName: 'localhost' });
    await handshakePair(rsaOnly, server.connection());
    expect(rsaOnly.negotiated?.signatureScheme).toBe('rsa_pss_rsae_sha256');
  });

  it('no common suite: handshake_failure', async () => {
    const server = serverFor('p256', { cipherSuites: ['TLS_AES_256_GCM_SHA384'] });
    const client = new TlsClientContext({ ca: pki.rootPem, cipherSuites: ['TLS_AES_128_GCM_SHA256'] }).connection({ serverName: 'localhost' });
    const conn = server.connection();
    await expect(handshakePair(client, conn)).rejects.toBeInstanceOf(TlsError);
    expect((conn.error as TlsError).alertName).toBe('handshake_failure');
  });

  it('property: any chunking of both directions gives the same result', async () => {
    const server = serverFor('p256');
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
        const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
        const conn = server.connection();
        await handshakePair(client, conn, chunk);
        expect(client.negotiated?.cipherSuite).toBe(conn.negotiated?.cipherSuite);
        const data = randomBytes(5000);
        expect(Buffer.from(transfer(client, conn, data)).equals(data)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
