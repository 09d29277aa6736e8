// The options and the surface transport-deno shares with transport-node, each against a real
// peer: trust anchors (required), hooks, client-side resumption, key log file and trace,
// wrapping an existing connection, write ordering, and misuse that must not end a connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { CertificateError, HandshakeTimeoutError, MemoryTicketStore, TlsError, UsageError, type MessageEvent } from '@rxtls/core';
import { connect, listen, type TlsListener } from '../src/index.ts';
import { concat, echo, readAll, readExactly, str, text } from './support/bytes.ts';
import { Deno, portOf } from './support/deno.ts';
import { startOpensslServer, type OpensslServer } from './support/openssl.ts';
import { getTestPki, type TestPki } from './support/pki.ts';

let pki: TestPki;
let openssl: OpensslServer;
let listener: TlsListener;
let echoPort: number;
beforeAll(async () => {
  pki = await getTestPki();
  openssl = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath });
  listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers.p384.certPem, pki.intermediatePem], key: pki.servers.p384.keyPem }, echo);
  echoPort = portOf(listener.addr);
});
afterAll(async () => {
  await openssl?.child.stop();
  listener?.close();
  listener?.closeAllConnections();
  await listener?.finished;
});

const base = (port: number) => ({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem });

describe('handshake timeouts', () => {
  it('a client whose server accepts TCP and says nothing fails with HandshakeTimeoutError; so does a server whose client stays silent', async () => {
    const silent = Deno.listen({ hostname: '127.0.0.1', port: 0 });
    const held: { close(): void }[] = [];
    void (async () => {
      for await (const c of silent as unknown as AsyncIterable<{ close(): void }>) held.push(c);
    })().catch(() => undefined);
    try {
      const err = await connect({ ...base(portOf(silent.addr)), handshakeTimeout: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HandshakeTimeoutError);
      expect((err as HandshakeTimeoutError).timeoutMs).toBe(200);
    } finally {
      for (const c of held) c.close();
      silent.close();
    }
    const failures: Error[] = [];
    const server = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem, handshakeTimeout: 200, onTlsClientError: (e) => failures.push(e) }, echo);
    const quiet = await Deno.connect({ hostname: '127.0.0.1', port: portOf(server.addr) });
    try {
      for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(failures[0]).toBeInstanceOf(HandshakeTimeoutError);
    } finally {
      quiet.close();
      server.close();
      server.closeAllConnections();
      await server.finished;
    }
  });
});

describe('trust and verification', () => {
  it('no `caCerts`: a UsageError that says why (Deno lists no roots) before any socket opens', async () => {
    const err = await connect({ hostname: '127.0.0.1', port: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/no default trust store.*`caCerts`.*rejectUnauthorized: false/);
  });

  it('bad option combinations are UsageErrors: cert without key, no port', async () => {
    expect(await connect({ ...base(1), cert: pki.client.certPem }).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
    expect(await connect({ caCerts: pki.rootPem }).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
    expect(() => listen({ port: 0, cert: pki.servers.p256.certPem }, () => undefined)).toThrow(UsageError);
  });

  it('verifyPeer refusing: CertificateError rejected-by-hook; it saw the chain and the name', async () => {
    const seen: string[] = [];
    const err = await connect({
      ...base(openssl.port),
      verifyPeer: (info) => {
        seen.push(`${info.serverName} ${info.certificates.length} ${info.chain?.path.length}`);
        throw new Error('pinned key does not match');
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).failure).toBe('rejected-by-hook');
    expect(seen).toEqual(['localhost 2 3']);
  });

  it('the wrong name: CertificateError hostname-mismatch, bad_certificate', async () => {
    const err = await connect({ ...base(openssl.port), servername: 'other.example' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).failure).toBe('hostname-mismatch');
    expect((err as TlsError).alertName).toBe('bad_certificate');
  });
});

describe('resumption', () => {
  it('a shared ticketStore resumes the session with openssl s_server on the next connect()', async () => {
    const ticketStore = new MemoryTicketStore();
    const first = await connect({ ...base(openssl.port), ticketStore });
    const tickets = lastValueFrom(first.tickets$.pipe(toArray()));
    await openssl.child.write('after the tickets');
    expect(str(await readExactly(first, 17))).toBe('after the tickets'); // the tickets came first
    await first.close();
    expect((await tickets).length).toBeGreaterThan(0);
    expect(first.negotiated!.resumed).toBe(false);

    const second = await connect({ ...base(openssl.port), ticketStore });
    expect(second.negotiated!.resumed).toBe(true);
    expect(second.peerCertificates).toHaveLength(0);
    await second.close();

    const fresh = await connect(base(openssl.port)); // its own context: nothing to resume
    expect(fresh.negotiated!.resumed).toBe(false);
    await fresh.close();
  });
});

describe('observing', () => {
  it('keylog: true appends NSS lines to SSLKEYLOGFILE', async () => {
    const dir = await Deno.makeTempDir({ prefix: 'rxtls-deno-sslkeylog-' });
    const file = `${dir}/keys.log`;
    Deno.env.set('SSLKEYLOGFILE', file);
    try {
      const conn = await connect({ ...base(echoPort), keylog: true });
      await conn.close();
      const lines = (await Deno.readTextFile(file)).trim().split('\n');
      expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
      // Secrets: readable by the owner only.
      expect((await Deno.stat(file)).mode! & 0o777).toBe(0o600);
    } finally {
      Deno.env.delete('SSLKEYLOGFILE');
      await Deno.remove(dir, { recursive: true });
    }
  });

  it('trace: every record and message, both ways, also after the handshake', async () => {
    const events: MessageEvent[] = [];
    const conn = await connect({ ...base(echoPort), trace: (e) => events.push(e) });
    await conn.write(text('traced'));
    await readExactly(conn, 6);
    await conn.close();
    const line = (e: MessageEvent): string => (e.kind === 'handshake' ? `${e.direction} ${e.messageType}` : e.kind === 'alert' ? `${e.direction} alert ${e.description}` : '');
    expect(events.map(line).filter((l) => l !== '')).toEqual([
      'sent client_hello',
      'received server_hello',
      'received encrypted_extensions',
      'received certificate',
      'received certificate_verify',
      'received finished',
      'sent finished',
      'received new_session_ticket',
      'received new_session_ticket',
      'sent alert close_notify',
      'received alert close_notify',
    ]);
    expect(events.filter((e) => e.kind === 'record' && e.contentType === 'application_data' && e.direction === 'sent')).toHaveLength(1); // 'traced'
  });

  it('negotiated parameters on the connection: getProtocol, getCipher, servername, role, addresses', async () => {
    const conn = await connect({ ...base(echoPort), cipherSuites: ['TLS_AES_256_GCM_SHA384'] });
    expect(conn.role).toBe('client');
    expect(conn.getProtocol()).toBe('TLSv1.3');
    expect(conn.getCipher()).toEqual({ name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384', version: 'TLSv1.3' });
    expect(conn.servername).toBe('localhost');
    expect(conn.alpnProtocol).toBe(false);
    expect(conn.remoteAddr).toMatchObject({ hostname: '127.0.0.1', port: echoPort });
    expect(conn.getPeerCertificate()?.subject).toContain('p384');
    await conn.close();
  });
});

describe('the connection underneath', () => {
  it('conn: TLS over a Deno.Conn opened elsewhere', async () => {
    const tcp = await Deno.connect({ hostname: '127.0.0.1', port: echoPort });
    const conn = await connect({ conn: tcp, servername: 'localhost', caCerts: pki.rootPem });
    await conn.write(text('wrapped'));
    expect(str(await readExactly(conn, 7))).toBe('wrapped');
    expect(await conn.close()).toEqual({ clean: true });
  });

  it('writes not awaited one by one still go out in order, and shutdown() waits for them', async () => {
    const conn = await connect(base(echoPort));
    const pieces = Array.from({ length: 200 }, (_, i) => text(`${i},`));
    const writes = pieces.map((p) => conn.write(p));
    const shut = conn.shutdown();
    await Promise.all([...writes, shut]);
    expect(str(await readAll(conn))).toBe(str(concat(pieces)));
  });

  it('write() after shutdown(): a UsageError; the connection goes on (reading still works)', async () => {
    const conn = await connect({ ...base(echoPort), allowHalfOpen: true });
    await conn.write(text('before'));
    await conn.shutdown();
    expect(await conn.write(text('after')).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
    expect(str(await readAll(conn))).toBe('before');
  });
});
