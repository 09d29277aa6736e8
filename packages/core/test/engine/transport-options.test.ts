// The transports' shared option types and the builders that turn them into core's configs:
// every option maps through under core's name, nothing absent gets a value (core applies the
// defaults), ALPN takes names or Node's wire format, and misuse is a UsageError.
import { describe, expect, it } from 'vitest';
import { TlsClientContext, TlsServerContext, UsageError, clientConfigFrom, nobleProvider, serverConfigFrom, type ClientContextOptions, type ServerContextOptions } from '../../src/index.ts';
import { getTestPki } from '../support/pki.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** ALPN's wire format: each name behind its length byte. */
const wire = (...names: string[]): Uint8Array => Uint8Array.from(names.flatMap((n) => [n.length, ...utf8(n)]));

const negotiated = {
  ALPNProtocols: ['h2', 'http/1.1'],
  cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'],
  groups: ['secp384r1', 'x25519'],
  signatureSchemes: ['ed25519'],
  recordSizeLimit: 1024,
  outgoingBufferLimit: 4096,
  provider: nobleProvider,
} satisfies ClientContextOptions & ServerContextOptions;

/** The same under core's names: only ALPN is renamed (and its names decoded); the rest keep their names. */
const { ALPNProtocols: _alpn, ...sameNames } = negotiated;
const underCoreNames = { ...sameNames, alpnProtocols: ['h2', 'http/1.1'] };

describe('clientConfigFrom', () => {
  it('maps every option to core’s name: cert/key become `certificate`', () => {
    expect(clientConfigFrom({ ...negotiated, ca: 'CA PEM', cert: ['LEAF', 'INTERMEDIATE'], key: 'KEY PEM', keyShareCount: 2 })).toEqual({
      ...underCoreNames,
      ca: 'CA PEM',
      certificate: { chain: ['LEAF', 'INTERMEDIATE'], key: 'KEY PEM' },
      keyShareCount: 2,
    });
  });

  it('sets nothing that was not given, and ignores what is not a context option (hooks, sockets)', () => {
    expect(Object.keys(clientConfigFrom({}))).toEqual([]);
    const transportOptions = { port: 443, rejectUnauthorized: false, verifyPeer: () => undefined, cipherSuites: ['TLS_AES_128_GCM_SHA256' as const] };
    expect(clientConfigFrom(transportOptions)).toEqual({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] });
  });

  it('ALPN: names, byte strings and the wire format give the same names', () => {
    expect(clientConfigFrom({ ALPNProtocols: [utf8('h2'), 'http/1.1'] }).alpnProtocols).toEqual(['h2', 'http/1.1']);
    expect(clientConfigFrom({ ALPNProtocols: wire('h2', 'http/1.1') }).alpnProtocols).toEqual(['h2', 'http/1.1']);
  });

  it('UsageError: cert without key, key without cert, a malformed ALPN buffer', () => {
    expect(() => clientConfigFrom({ cert: 'LEAF' })).toThrow(new UsageError('`cert` and `key` go together'));
    expect(() => clientConfigFrom({ key: 'KEY PEM' })).toThrow(UsageError);
    expect(() => clientConfigFrom({ ALPNProtocols: Uint8Array.of(5, 0x68, 0x32) })).toThrow(/length-prefixed/);
    expect(() => clientConfigFrom({ ALPNProtocols: Uint8Array.of(0) })).toThrow(UsageError);
  });
});

describe('serverConfigFrom', () => {
  it('maps every option to core’s name: cert/key come first, then `certificates`', () => {
    const more = { chain: 'OTHER LEAF', key: 'OTHER KEY' };
    const clientAuth = { ca: 'CLIENT CA', required: false };
    expect(serverConfigFrom({ ...negotiated, cert: 'LEAF', key: 'KEY', certificates: [more], clientAuth })).toEqual({
      ...underCoreNames,
      certificates: [{ chain: 'LEAF', key: 'KEY' }, more],
      clientAuth,
    });
  });

  it('sets nothing beyond the certificates when nothing else was given', () => {
    expect(serverConfigFrom({ cert: 'LEAF', key: 'KEY' })).toEqual({ certificates: [{ chain: 'LEAF', key: 'KEY' }] });
    expect(serverConfigFrom({ certificates: [{ chain: 'LEAF', key: 'KEY' }] })).toEqual({ certificates: [{ chain: 'LEAF', key: 'KEY' }] });
  });

  it('UsageError: cert without key (even with `certificates`), and no certificate at all', () => {
    expect(() => serverConfigFrom({ cert: 'LEAF', certificates: [{ chain: 'LEAF', key: 'KEY' }] })).toThrow(new UsageError('`cert` and `key` go together'));
    expect(() => serverConfigFrom({ key: 'KEY' })).toThrow(UsageError);
    expect(() => serverConfigFrom({})).toThrow(new UsageError('a server needs `cert` and `key`, or `certificates`'));
    expect(() => serverConfigFrom({ certificates: [] })).toThrow(UsageError);
  });
});

describe('the built configs make contexts', () => {
  it('a client and a server context from real PEM options', async () => {
    const pki = await getTestPki();
    const client = new TlsClientContext(clientConfigFrom({ ca: pki.rootPem, cert: pki.client.certPem, key: pki.client.keyPem, ALPNProtocols: wire('h2'), keyShareCount: 2 }));
    expect(client.config.alpnProtocols).toEqual([utf8('h2')]);
    expect(client.config.keyShareCount).toBe(2);
    expect(client.config.clientCertificate?.chain).toHaveLength(1);
    expect(() => new TlsServerContext(serverConfigFrom({ cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }))).not.toThrow();
  });
});
