import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { encodePem, loadCertificates } from '@rxtls/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getTestPki } from '../../core/test/support/pki.ts';
import { nodeVerifyProvider } from '../../core/test/support/node-verify-provider.ts';
import { nodeHost } from '../../transport-node/src/cli/host.ts';
import { ArgsError, parseFlags } from '../src/args.ts';
import { verifyCommand } from '../src/verify.ts';
import { RUNTIMES, rxtls } from './support/runtimes.ts';

const pki = await getTestPki();
const scratch = mkdtempSync(join(tmpdir(), 'rxtls-cli-verify-'));
const file = (name: string, text: string): string => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

async function run(argv: readonly string[], useNode = false): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const host = {
    ...nodeHost(),
    stdout: (data: Uint8Array) => out.push(Buffer.from(data).toString().replace(/\n$/, '')),
    stderr: (s: string) => err.push(s),
  };
  const code = await verifyCommand(argv, host, useNode ? { provider: nodeVerifyProvider } : {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rxtls verify', () => {
  it.each(['p256', 'p384', 'ed25519', 'rsa2048'] as const)('accepts the %s chain file and prints the path', async (kind) => {
    const r = await run(['--ca', pki.rootPath, '--chain', pki.servers[kind].chainPath, '--host', 'localhost']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('OK (3 certificates in the path)');
    expect(r.out).toContain(`0 CN=rxtls test server ${kind},O=rxtls tests [leaf]`);
    expect(r.out).toContain('1 CN=rxtls Test Intermediate CA [intermediate]');
    expect(r.out).toContain('2 CN=rxtls Test Root CA [trust anchor]');
    expect(r.out).toContain('host localhost matches');
  });

  it('takes intermediates from --untrusted, flags in = form, and --ip', async () => {
    const r = await run([`--ca=${pki.rootPath}`, '--untrusted', pki.intermediatePath, '--chain', pki.servers.p256.certPath, '--ip', '::1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('IP ::1 matches');
    const without = await run(['--ca', pki.rootPath, '--chain', pki.servers.p256.certPath]);
    expect(without.code).toBe(1);
    expect(without.err).toContain('unknown_ca');
  });

  it('gives the same answers with the node:crypto provider', async () => {
    expect((await run(['--ca', pki.rootPath, '--chain', pki.servers.rsa2048.chainPath], true)).code).toBe(0);
    expect((await run(['--ca', pki.rootPath, '--chain', pki.bad.tamperedSignature.chainPath], true)).code).toBe(1);
  });

  it.each([
    ['expired', [], 'certificate_expired'],
    ['notYetValid', [], 'certificate_expired'],
    ['selfSigned', [], 'unknown_ca'],
    ['unknownCa', [], 'unknown_ca'],
    ['tamperedSignature', [], 'bad_certificate'],
    ['noServerAuthEku', [], 'unsupported_certificate'],
    ['wrongHost', ['--host', 'localhost'], 'bad_certificate'],
  ] as const)('rejects bad.%s with exit 1 and alert %s', async (kind, extra, alert) => {
    const r = await run(['--ca', pki.rootPath, '--chain', pki.bad[kind].chainPath, ...extra]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('FAILED: tls: ');
    expect(r.err).toContain(`alert ${alert}`);
  });

  it('--time moves the clock; --purpose clientAuth and any', async () => {
    const expired = ['--ca', pki.rootPath, '--chain', pki.bad.expired.chainPath];
    expect((await run([...expired, '--time', '2020-06-01T00:00:00Z'])).code).toBe(0);
    expect((await run([...expired, '--time', '2022-06-01'])).code).toBe(1);
    const client = ['--ca', pki.rootPath, '--chain', pki.client.chainPath];
    expect((await run(client)).code).toBe(1);
    expect((await run([...client, '--purpose', 'clientAuth'])).code).toBe(0);
    expect((await run([...client, '--purpose', 'any'])).code).toBe(0);
  });

  it('reports a chain file that is not PEM as invalid (exit 1)', async () => {
    const r = await run(['--ca', pki.rootPath, '--chain', file('garbage.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('alert bad_certificate');
  });

  it('reports a malformed certificate inside a chain (valid PEM, broken DER) as invalid (exit 1), not as a usage error', async () => {
    const [leaf, intermediate] = loadCertificates(readFileSync(pki.servers.p256.chainPath, 'utf8'));
    const broken = intermediate!.slice(0, intermediate!.length - 20); // cut short: bad ASN.1
    const flipped = intermediate!.slice();
    flipped[4] = flipped[4]! ^ 0xff; // a wrong inner length
    for (const bad of [broken, flipped]) {
      const chain = file('broken-chain.pem', `${encodePem(leaf!, 'CERTIFICATE')}${encodePem(bad, 'CERTIFICATE')}`);
      const r = await run(['--ca', pki.rootPath, '--chain', chain, '--host', 'localhost']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/FAILED: .*\(alert bad_certificate, parse\)/);
    }
  });

  it.each([
    ['an unknown flag', ['--ca', 'x', '--chain', 'y', '--bogus']],
    ['a missing --ca', ['--chain', 'y']],
    ['a missing --chain', ['--ca', 'x']],
    ['both --host and --ip', ['--ca', 'ROOT', '--chain', 'CHAIN', '--host', 'a', '--ip', '127.0.0.1']],
    ['a bad --time', ['--ca', 'ROOT', '--chain', 'CHAIN', '--time', 'yesterday']],
    ['an impossible --time', ['--ca', 'ROOT', '--chain', 'CHAIN', '--time', '2024-13-45']],
    ['a bad --ip', ['--ca', 'ROOT', '--chain', 'CHAIN', '--ip', 'localhost']],
    ['a bad --purpose', ['--ca', 'ROOT', '--chain', 'CHAIN', '--purpose', 'codeSigning']],
    ['a flag without its value', ['--ca', 'ROOT', '--chain']],
    ['--chain twice', ['--ca', 'ROOT', '--chain', 'CHAIN', '--chain', 'CHAIN']],
    ['a positional argument', ['--ca', 'ROOT', '--chain', 'CHAIN', 'extra']],
    ['an unreadable --ca file', ['--ca', '/nonexistent/roots.pem', '--chain', 'CHAIN']],
    ['a --ca file without certificates', ['--ca', 'EMPTY', '--chain', 'CHAIN']],
  ])('exits 2 with the usage on %s', async (_, argv) => {
    const subst = (a: string): string => (a === 'ROOT' ? pki.rootPath : a === 'CHAIN' ? pki.servers.p256.chainPath : a === 'EMPTY' ? file('empty.pem', 'no certs\n') : a);
    const r = await run(argv.map(subst));
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: rxtls verify');
    expect(r.out).toBe('');
  });
});

describe('parseFlags', () => {
  const specs = { name: { type: 'string' }, many: { type: 'string', multiple: true }, on: { type: 'boolean' } } as const;

  it('reads --flag value, --flag=value, repeated and boolean flags, and -- ', () => {
    const { flags, positionals } = parseFlags(['--name', 'a', '--many=1', '--many', '2', '--on', '--', '--not-a-flag'], specs, { allowPositionals: true });
    expect(flags).toEqual({ name: 'a', many: ['1', '2'], on: true });
    expect(positionals).toEqual(['--not-a-flag']);
    expect(parseFlags(['--name='], specs).flags).toEqual({ name: '' });
    expect(parseFlags(['--name', '-'], specs).flags).toEqual({ name: '-' });
  });

  it.each([
    [['--nope']],
    [['-n']],
    [['--name']],
    [['--name', '--on']],
    [['--name', 'a', '--name', 'b']],
    [['--on=yes']],
    [['stray']],
    [['--constructor', 'x']],
  ])('rejects %j', (argv) => {
    expect(() => parseFlags(argv, specs)).toThrow(ArgsError);
  });
});

describe('rxtls verify on Node and on Deno', () => {
  const runnable = RUNTIMES.filter((r) => r.problem === undefined);
  it.skipIf(runnable.length < 2)('exit codes 0, 1 and 2 with the same output on both', async () => {
    const cases: [readonly string[], number, RegExp][] = [
      [['--ca', pki.rootPath, '--chain', pki.servers.p256.chainPath, '--host', 'localhost'], 0, /OK \(3 certificates in the path\)\n(.*\n)*  host localhost matches\n  purpose serverAuth allowed\n$/],
      [['--ca', pki.rootPath, '--chain', pki.servers.ed25519.certPath, '--untrusted', pki.intermediatePath, '--ip', '::1'], 0, /IP ::1 matches/],
      [['--ca', pki.rootPath, '--chain', pki.bad.expired.chainPath], 1, /FAILED: tls: .*\(alert certificate_expired, /],
      [['--ca', pki.rootPath, '--chain', pki.servers.p256.chainPath, '--ip', 'localhost'], 2, /--ip "localhost" is not an IPv4 or IPv6 address\nusage: rxtls verify/],
      [['--ca', '/nonexistent/roots.pem', '--chain', pki.servers.p256.chainPath], 2, /^rxtls verify: --ca \/nonexistent\/roots\.pem: no such file or directory\nusage: rxtls verify/],
    ];
    for (const [argv, code, output] of cases) {
      const [node, deno] = await Promise.all(runnable.map((r) => rxtls(r, ['verify', ...argv])));
      expect(node!.code).toBe(code);
      expect(node!.stdout + node!.stderr).toMatch(output);
      expect({ code: deno!.code, stdout: deno!.stdout, stderr: deno!.stderr }).toEqual({ code: node!.code, stdout: node!.stdout, stderr: node!.stderr });
    }
  });
});
