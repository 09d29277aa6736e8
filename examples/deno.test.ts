// examples/deno/connect.ts runs on Deno (the binary from the `deno` npm package), as a user
// runs it: `cd examples/deno && deno run --allow-net connect.ts`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from './support/run-process.ts';

const DENO = fileURLToPath(new URL('../node_modules/.bin/deno', import.meta.url));
const DIR = fileURLToPath(new URL('./deno', import.meta.url));
const runDeno = (args: readonly string[]) => runProcess(DENO, args, { cwd: DIR, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });

describe('examples/deno/connect.ts (rxtls on Deno, both ends)', () => {
  it('the deno binary is installed by pnpm install', () => {
    expect(existsSync(DENO)).toBe(true);
  });

  const run = existsSync(DENO) ? runDeno(['run', '--allow-net', 'connect.ts']) : Promise.reject(new Error('no deno'));
  run.catch(() => undefined);

  it('exits 0 with nothing on stderr', async () => {
    const { code, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints the client timeline from client hello to established, then the negotiated parameters', async () => {
    const { stdout } = await run;
    const steps = [...stdout.matchAll(/^\s+[<>+*]\s+([a-z-]+)\s/gm)].map((m) => m[1]);
    const client = steps.slice(0, steps.indexOf('established') + 1);
    expect(client).toEqual(['client-hello-sent', 'server-hello', 'encrypted-extensions', 'certificate', 'certificate-verified', 'server-finished', 'client-finished-sent', 'established']);
    expect(stdout).toMatch(/^negotiated: TLS_[A-Z0-9_]+ · x25519 · ecdsa_secp256r1_sha256 · alpn echo$/m);
  });

  it('shows the server side of the same handshake', async () => {
    const { stdout } = await run;
    const server = stdout.slice(stdout.indexOf('server view:'));
    expect(server).toMatch(/client-hello-received/);
    expect(server).toMatch(/server-finished-sent/);
    expect(server).toMatch(/established/);
  });

  it('echoes the message and ends with the server close_notify', async () => {
    const { stdout } = await run;
    expect(stdout).toMatch(/^echoed: hello from Deno$/m);
    expect(stdout).toMatch(/^then: close_notify \(clean end\)$/m);
  });
});

describe('examples/deno/multiplex.ts (one Selector on Deno, Deno.listenTls as the peer)', () => {
  const run = existsSync(DENO) ? runDeno(['run', '--allow-net', 'multiplex.ts', '150']) : Promise.reject(new Error('no deno'));
  run.catch(() => undefined);

  it('150 connections: every handshake, echo and close_notify succeeds, and it exits 0', async () => {
    const { code, stdout, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('150 TLS 1.3 connections, one Selector, one loop');
    expect(stdout).toMatch(/^ {2}connections +150: 150 succeeded, 0 failed$/m);
    expect(Number(/^ {2}select\(\) calls +(\d+)$/m.exec(stdout)?.[1])).toBeGreaterThan(0);
  });
});
