// Security hygiene (issue: stricter defaults): a verifying client needs a name to check;
// keys and secrets are overwritten once replaced; tickets$ does not carry the resumption PSK.
import { describe, expect, it } from 'vitest';
import { NEVER, firstValueFrom } from 'rxjs';
import { TlsClientContext, createClientConnection } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import { UsageError } from '../../src/errors/tls-error.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { Aead, CryptoProvider } from '../../src/crypto/provider.ts';
import { EarlySecret, stageSecret } from '../../src/crypto/key-schedule.ts';
import { getCipherSuite } from '../../src/crypto/suites.ts';
import { TlsSession } from '../../src/observe/session.ts';
import { getTestPki } from '../support/pki.ts';
import { handshakePair, transfer } from '../server/pair.ts';

const pki = await getTestPki();
const serverContext = new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }] });

describe('a verifying client needs a name to check', () => {
  it('connection() without serverName is a UsageError while verification is on', () => {
    const context = new TlsClientContext({ ca: pki.rootPem });
    expect(() => context.connection()).toThrow(UsageError);
    expect(() => context.connection({ serverName: '' })).toThrow(/serverName/);
    expect(() => createClientConnection({ ca: pki.rootPem })).toThrow(UsageError);
  });

  it('a DNS name or an IP address will do; no name is fine once verification is turned off explicitly', () => {
    const context = new TlsClientContext({ ca: pki.rootPem });
    expect(context.connection({ serverName: 'localhost' }).role).toBe('client');
    expect(context.connection({ serverName: '127.0.0.1' }).role).toBe('client');
    expect(context.connection({ dangerouslyDisableCertificateVerification: true }).role).toBe('client');
    expect(new TlsClientContext({ dangerouslyDisableCertificateVerification: true }).connection().role).toBe('client');
  });
});

/** The noble provider, recording every AEAD key it is given and every AEAD it builds. */
function recordingProvider(): { provider: CryptoProvider; keys: Uint8Array[]; aeads: { destroyed: boolean }[] } {
  const keys: Uint8Array[] = [];
  const aeads: { destroyed: boolean }[] = [];
  const provider: CryptoProvider = {
    ...nobleProvider,
    createAead(algorithm, key) {
      keys.push(key);
      const inner: Aead = nobleProvider.createAead(algorithm, key);
      const record = { destroyed: false };
      aeads.push(record);
      return {
        tagLength: inner.tagLength,
        seal: (n, a, p) => inner.seal(n, a, p),
        open: (n, a, c) => inner.open(n, a, c),
        destroy: () => {
          record.destroyed = true;
          inner.destroy?.();
        },
      };
    },
  };
  return { provider, keys, aeads };
}

describe('secrets are overwritten when no longer needed', () => {
  it('AEAD keys once the AEAD holds them; the AEAD of replaced keys (handshake keys, KeyUpdate)', async () => {
    const { provider, keys, aeads } = recordingProvider();
    const client = new TlsClientContext({ ca: pki.rootPem, provider }).connection({ serverName: 'localhost' });
    const server = serverContext.connection();
    await handshakePair(client, server);
    expect(keys.length).toBe(4); // handshake and application keys, both directions
    for (const key of keys) expect(key.every((b) => b === 0)).toBe(true);
    // The handshake keys were replaced by the application keys.
    expect(aeads.map((a) => a.destroyed)).toEqual([true, true, false, false]);
    client.keyUpdate(true);
    transfer(client, server, Uint8Array.of(1, 2, 3));
    transfer(server, client, Uint8Array.of(4));
    expect(aeads.slice(0, 4).every((a) => a.destroyed)).toBe(true);
    expect(aeads.slice(4).map((a) => a.destroyed)).toEqual([false, false]);
  });

  it('a key schedule stage overwrites its secret with wipe(), and keeps it in no public field', () => {
    const suite = getCipherSuite(0x1301)!;
    const early = EarlySecret.create(nobleProvider, suite, new Uint8Array(32).fill(7));
    const secret = stageSecret(early);
    expect(secret.some((b) => b !== 0)).toBe(true);
    expect(Object.values(early).some((v) => v === secret)).toBe(false);
    early.wipe();
    expect(secret.every((b) => b === 0)).toBe(true);
  });
});

describe('tickets$', () => {
  it('shows the ticket without its resumption PSK', async () => {
    const client = new TlsClientContext({ ca: pki.rootPem }).connection({ serverName: 'localhost' });
    // The session only observes here: the pair below moves the bytes.
    const session = new TlsSession(client, { readable$: NEVER, writable$: NEVER, read: () => undefined, write: () => true, end: () => undefined, destroy: () => undefined });
    const server = serverContext.connection();
    await handshakePair(client, server);
    transfer(server, client, Uint8Array.of(1)); // the tickets come with the first records after the handshake
    const ticket = await firstValueFrom(session.tickets$);
    expect(ticket.lifetimeSeconds).toBeGreaterThan(0);
    expect('psk' in ticket).toBe(false);
  });
});
