// `rxtls connect` against openssl s_server, on Node and on Deno: the same flags, the same outcome.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../core/test/support/pki.ts';
import { startOpensslServer, type OpensslServer } from '../../transport-node/test/support/openssl-server.ts';
import { RUNTIMES, rxtls } from './support/runtimes.ts';

let pki: TestPki;
let server: OpensslServer;
beforeAll(async () => {
  pki = await getTestPki();
  server = await startOpensslServer({ cert: pki.servers.p256.certPath, key: pki.servers.p256.keyPath, chain: pki.intermediatePath });
});
afterAll(() => server?.stop());

describe.each(RUNTIMES)('rxtls connect on $name against openssl s_server', (runtime) => {
  it.skipIf(runtime.problem !== undefined)('prints the timeline and parameters, copies stdin up and the server data down, exits 0 on close_notify', async () => {
    const before = server.received().length;
    const greeting = `hello from openssl to ${runtime.name}\n`;
    server.process.stdin.write(greeting);
    const keylog = join(mkdtempSync(join(tmpdir(), 'rxtls-cli-')), 'keys.log');
    const sent = `hello from rxtls on ${runtime.name}\n`;
    const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.rootPath, '--keylog', keylog, '--trace'], sent, { endAfter: greeting });
    expect(r.stderr).toMatch(/^\+\s+[\d.]+ ms {2}client-hello-sent {6}sni=localhost shares=x25519$/m);
    expect(r.stderr).toContain('certificate-verified   ecdsa_secp256r1_sha256, path: CN=rxtls test server p256,O=rxtls tests <- CN=rxtls Test Intermediate CA <- CN=rxtls Test Root CA');
    expect(r.stderr).toContain('established');
    expect(r.stderr).toMatch(/Cipher\s+: TLS_AES_128_GCM_SHA256/);
    expect(r.stderr).toContain('<<<   handshake finished');
    expect(r.stderr).toMatch(/---\n(.*\n)*closed: server sent close_notify\n$/);
    expect(r.stdout).toBe(greeting);
    expect(r.code).toBe(0);
    const got = await server.waitForReceived(before + sent.length);
    expect(got.subarray(before).toString()).toBe(sent);
    expect(readFileSync(keylog, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
  });

  it.skipIf(runtime.problem !== undefined)('an IP as --servername is checked against IP SANs and not sent as SNI', async () => {
    const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', '127.0.0.1', '--ca', pki.rootPath]);
    expect(r.stderr).not.toContain('sni=');
    expect(r.code).toBe(0);
  });

  it.skipIf(runtime.problem !== undefined)('exits 1 with the alert on a host name mismatch', async () => {
    const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', 'other.example', '--ca', pki.rootPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rxtls connect: tls: .* \(alert bad_certificate sent\)$/m);
  });

  it.skipIf(runtime.problem !== undefined)('exits 1 with unknown_ca when --ca is not the issuer, or without --ca (the default roots)', async () => {
    for (const ca of [['--ca', pki.bad.selfSigned.certPath], []]) {
      const r = await rxtls(runtime, ['connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', ...ca]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^rxtls connect: tls: .* \(alert unknown_ca sent\)$/m);
    }
  });

  it.skipIf(runtime.problem !== undefined)('exits 1 when nothing listens, 2 on a usage error or an unreadable --ca', async () => {
    const refused = await rxtls(runtime, ['connect', '127.0.0.1:1', '--ca', pki.rootPath]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('rxtls connect: cannot connect to 127.0.0.1:1: connection refused\n');
    const usage = await rxtls(runtime, ['connect', 'no-port-here', '--bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: rxtls connect');
    const unreadable = await rxtls(runtime, ['connect', '127.0.0.1:1', '--ca', '/nonexistent/roots.pem']);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/^rxtls connect: cannot read --ca \/nonexistent\/roots\.pem: no such file or directory$/m);
  });
});
