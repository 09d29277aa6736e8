import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { visibleWidth } from './support/ansi.ts';
import { ROOT, runProcess, runTsx, type Run } from './support/run-process.ts';

/** Run the demo the way `pnpm demo` does (tsx), or with Bun (`bun examples/demo.ts`), with stdout a pipe, not a terminal. */
function runDemo(args: readonly string[] = [], runtime: 'node' | 'bun' = 'node'): Promise<Run> {
  const env = { ...process.env };
  delete env['NO_COLOR'];
  delete env['FORCE_COLOR'];
  if (runtime === 'bun') return runProcess(join(ROOT, 'node_modules/bun/bin/bun.exe'), ['examples/demo.ts', ...args], { env });
  return runTsx('examples/demo.ts', args, env);
}

const STEPS = ['client-hello-sent', 'server-hello', 'encrypted-extensions', 'certificate', 'certificate-verified', 'server-finished', 'client-finished-sent', 'established'];

describe.each([
  { runtime: 'node' as const, args: [], keyType: 'ecdsa-p256', scheme: /^ecdsa_secp256r1_sha256$/ },
  { runtime: 'node' as const, args: ['--rsa'], keyType: 'rsa-2048', scheme: /^rsa_pss_rsae_sha(256|384|512)$/ },
  // Bun runs the same demo through its node:net, node:tls and node:crypto.
  { runtime: 'bun' as const, args: [], keyType: 'ecdsa-p256', scheme: /^ecdsa_secp256r1_sha256$/ },
])('the demo on $runtime $args', ({ runtime, args, keyType, scheme }) => {
  const run = runDemo(args, runtime);

  it('exits 0 with nothing on stderr', async () => {
    const { code, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('draws the handshake timeline: every step, in order, with times and bars', async () => {
    const lines = (await run).stdout.split('\n');
    const stepRows = lines.filter((l) => /^ {2}\S [a-z-]+ +\d/.test(l));
    expect(stepRows.map((l) => l.split(/\s+/)[2])).toEqual(STEPS);
    for (const row of stepRows) expect(row).toMatch(/\d+(\.\d+)? m?s +\d+(\.\d+)? m?s +[█▉▊▋▌▍▎▏]/);
  });

  it('prints the negotiated parameters', async () => {
    const { stdout } = await run;
    const field = (name: string): string | undefined => new RegExp(`^ {2}${name} +(.+)$`, 'm').exec(stdout)?.[1];
    expect(field('protocol')).toBe('TLSv1.3');
    expect(field('cipher')).toMatch(/^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
    expect(field('signature')).toMatch(scheme);
    expect(field('ALPN')).toBe('http/1.1');
    expect(field('server name')).toBe('localhost');
  });

  it('prints the chain the server sent and the verified path up to the generated root', async () => {
    const { stdout } = await run;
    const leaf = 'CN=localhost,O=rxtls demo';
    const intermediate = `CN=rxtls Demo Intermediate CA (${keyType}),O=rxtls demo`;
    const root = `CN=rxtls Demo Root CA (${keyType}),O=rxtls demo`;
    const sent = stdout.slice(stdout.indexOf('(peerCertificates)'), stdout.indexOf('(verifiedPath)'));
    expect(sent).toMatch(new RegExp(`\\[0\\] subject ${esc(leaf)}\\n +issuer +${esc(intermediate)}\\n`));
    expect(sent).toMatch(new RegExp(`\\[1\\] subject ${esc(intermediate)}\\n +issuer +${esc(root)}\\n`));
    expect(sent).not.toContain('[2]');
    const path = stdout.slice(stdout.indexOf('(verifiedPath)'));
    expect(path).toMatch(new RegExp(`\\[0\\] subject ${esc(leaf)}\\n +issuer +${esc(intermediate)}\\n`));
    expect(path).toMatch(new RegExp(`\\[1\\] subject ${esc(intermediate)}\\n +issuer +${esc(root)}\\n`));
    expect(path).toMatch(new RegExp(`\\[2\\] subject ${esc(root)} +trust anchor\\n +issuer +${esc(root)}\\n`));
  });

  it('sends GET / over the connection and prints the response', async () => {
    const { stdout } = await run;
    expect(stdout).toContain('  > GET / HTTP/1.1\n');
    expect(stdout).toContain('  < HTTP/1.1 200 OK\n');
    expect(stdout).toContain('  < Server: rxtls demo\n');
    expect(stdout).toContain('  < Hello from an rxtls server, read through rxtls.\n');
  });

  it('shows the same handshake as the rxtls server saw it', async () => {
    const { stdout } = await run;
    const cipher = /^ {2}cipher +(.+)$/m.exec(stdout)?.[1];
    const group = /^ {2}key group +(.+)$/m.exec(stdout)?.[1];
    expect(/^ {2}server saw +(.+)$/m.exec(stdout)?.[1]).toBe(`${cipher}, ${group}, SNI localhost, ALPN http/1.1`);
  });

  it('second act: node:tls connects to the same rxtls server, verifies it and gets a response', async () => {
    const { stdout } = await run;
    const act = stdout.slice(stdout.indexOf('6. Second act'), stdout.indexOf('7. Third act'));
    expect(act).toMatch(/^ {2}node:tls +TLSv1\.3, TLS_\w+, ALPN http\/1\.1$/m);
    expect(act).toMatch(/^ {2}verified +yes/m);
    expect(act).toMatch(/^ {2}response +HTTP\/1\.1 200 OK$/m);
  });

  it('third act: rxtls running on Deno connects to the same server, verifies the chain and gets a response', async () => {
    const { stdout } = await run;
    const act = stdout.slice(stdout.indexOf('7. Third act'));
    expect(act).toMatch(/^ {2}runtime +Deno \d+\.\d+\.\d+, the same @rxtls\/core$/m);
    expect(act).toMatch(/^ {2}rxtls\/Deno +TLSv1\.3, TLS_\w+, ALPN http\/1\.1$/m);
    expect(act).toMatch(/^ {2}verified +yes, a path of 3 certificates$/m);
    expect(act).toMatch(/^ {2}response +HTTP\/1\.1 200 OK$/m);
  });

  it('fits in 80 columns and has no colour codes when stdout is not a terminal', async () => {
    const { stdout } = await run;
    expect(stdout).not.toContain('\x1b');
    for (const line of stdout.split('\n')) expect(visibleWidth(line)).toBeLessThan(80);
  });
});

describe('pnpm demo --wrong-root', () => {
  it('shows the timeline up to the certificate, reports the alert and exits 1', async () => {
    const { code, stdout, stderr } = await runDemo(['--wrong-root']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/demo failed: tls: .*\[alert (bad_certificate|unknown_ca), sent to the server\]/);
    const steps = stdout.split('\n').filter((l) => /^ {2}\S [a-z-]+ +\d/.test(l)).map((l) => l.split(/\s+/)[2]);
    expect(steps).toEqual(STEPS.slice(0, STEPS.indexOf('certificate') + 1));
    expect(stdout).not.toContain('HTTP/1.1 200 OK');
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
