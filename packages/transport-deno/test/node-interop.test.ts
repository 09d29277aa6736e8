// rxtls on Deno <-> rxtls on Node: the same library in both runtimes, over real TCP. The Node
// side (transport-node's createServer / connect) runs in a Node process started with tsx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type TlsListener } from '../src/index.ts';
import { MiB, echo, randomBytes, readExactly, sha256 } from './support/bytes.ts';
import { portOf } from './support/deno.ts';
import { spawn, type Child } from './support/openssl.ts';
import { getTestPki, type TestPki } from './support/pki.ts';

const TSX = new URL('../../../node_modules/.bin/tsx', import.meta.url).pathname;
const PEER = new URL('./support/node-peer.ts', import.meta.url).pathname;

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** The JSON lines a peer printed so far. */
const linesOf = (child: Child): Record<string, unknown>[] =>
  child.stdout
    .text()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('rxtls on Deno <-> rxtls on Node', () => {
  let node: Child | undefined;
  let listener: TlsListener | undefined;
  afterAll(async () => {
    await node?.stop();
    listener?.close();
    await listener?.finished;
  });

  it('Deno client -> Node server (createServer): 1 MiB both ways, clean close', async () => {
    const cert = pki.servers.p384;
    node = spawn(TSX, [PEER, 'server', cert.certPath, cert.keyPath, pki.intermediatePath]);
    await node.stdout.until(() => linesOf(node!).length > 0, 'the Node server to listen', 30_000);
    const port = linesOf(node)[0]!['port'] as number;

    const conn = await connect({ hostname: '127.0.0.1', port, servername: 'localhost', caCerts: pki.rootPem, cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] });
    expect(conn.negotiated).toMatchObject({ cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256', signatureScheme: 'ecdsa_secp384r1_sha384' });
    const up = randomBytes(MiB);
    const [echoed] = await Promise.all([readExactly(conn, MiB), conn.write(up)]);
    expect(await sha256(echoed)).toBe(await sha256(up));
    expect(await conn.close()).toEqual({ clean: true });

    await node.stdout.until(() => linesOf(node!).length > 1, 'the Node server to report');
    expect(linesOf(node)[1]).toMatchObject({ cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256', servername: 'localhost', received: MiB, sha256: await sha256(up) });
  });

  it('Node client (connect) -> Deno server (listen): 1 MiB both ways, clean close', async () => {
    const cert = pki.servers.rsa2048;
    const seen: string[] = [];
    listener = listen({ hostname: '127.0.0.1', port: 0, cert: [cert.certPem, pki.intermediatePem], key: cert.keyPem, groups: ['secp256r1'] }, async (conn) => {
      const p = await conn.established;
      seen.push(`${p.group} retry=${p.helloRetry} ${p.signatureScheme} ${conn.servername}`);
      await echo(conn); // then our close_notify goes back and the connection closes
      seen.push(`closed ${JSON.stringify(await new Promise((r) => conn.close$.subscribe(r)))}`);
    });
    const client = spawn(TSX, [PEER, 'client', String(portOf(listener.addr)), pki.rootPath, String(MiB)]);
    const status = await client.process.status;
    await Promise.all([client.stdout.done, client.stderr.done]);
    expect(status.success, client.stderr.text()).toBe(true);
    const r = linesOf(client)[0]!;
    expect(r['bytes']).toBe(MiB);
    expect(r['received']).toBe(r['sent']);
    expect(r['closed']).toEqual({ clean: true });
    // The Node client's first share is x25519; we only take secp256r1 and ask again.
    expect(seen).toEqual(['secp256r1 retry=true rsa_pss_rsae_sha256 localhost', 'closed {"clean":true}']);
  });
});
