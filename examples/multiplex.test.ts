// examples/multiplex/thousand.ts run as a child process, the way a user runs it: many rxtls
// connections to a node:tls echo server, all driven by one Selector in one loop.
import { describe, expect, it } from 'vitest';
import { runProcess, type Run } from './support/run-process.ts';

/** `node --import tsx examples/multiplex/thousand.ts ...args`, optionally under a lower open-file limit. */
function runThousand(args: readonly string[], openFiles?: number): Promise<Run> {
  const argv = [process.execPath, '--import', 'tsx', 'examples/multiplex/thousand.ts', ...args];
  return openFiles === undefined ? runProcess(argv[0]!, argv.slice(1)) : runProcess('sh', ['-c', `ulimit -n ${openFiles} && exec "$@"`, 'sh', ...argv]);
}

/** The value printed after `label` on its own line. */
function field(stdout: string, label: string): string | undefined {
  return new RegExp(`^ {2}${label} +(.+)$`, 'm').exec(stdout)?.[1];
}

describe('examples/multiplex/thousand.ts', () => {
  it('200 connections: every handshake, echo and close_notify succeeds, and it exits 0', async () => {
    const { code, stdout, stderr } = await runThousand(['200']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('200 TLS 1.3 connections, one Selector, one loop');
    expect(field(stdout, 'connections')).toBe('200: 200 succeeded, 0 failed');
    expect(field(stdout, 'total time')).toMatch(/^\d+(\.\d+)? m?s$/);
    expect(Number(field(stdout, 'handshakes\\/s'))).toBeGreaterThan(0);
    expect(field(stdout, 'handshake time')).toMatch(/^p50 \d+(\.\d+)? m?s, p99 \d+(\.\d+)? m?s/);
    expect(field(stdout, 'peak RSS')).toMatch(/^\d+\.\d MB$/);
    expect(field(stdout, 'event-loop delay')).toMatch(/^mean \d+(\.\d+)? m?s, p99 \d+(\.\d+)? m?s, max \d+(\.\d+)? m?s$/);
    // Each connection is ready at least for its server flight, its echo and the server's close_notify.
    const selects = Number(/^(\d+),/.exec(field(stdout, 'select\\(\\) calls') ?? '')?.[1]);
    expect(selects).toBeGreaterThanOrEqual(3 * 200);
  });

  it('says clearly when the open-file limit is too low (EMFILE), exit 2', async () => {
    // 256, not less: loading the program's modules (tsx) opens files concurrently, and at 64 that
    // itself failed with EMFILE now and then, before any connection was made.
    const { code, stdout, stderr } = await runThousand(['500', '--provider', 'node'], 256);
    expect(code).toBe(2);
    expect(stdout).toMatch(/open-file limit +256 \(ulimit -n\); this run needs about \d+/);
    expect(stdout).toContain('expect EMFILE');
    expect(stdout).toMatch(/\d+ × EMFILE/);
    expect(stderr).toMatch(/^thousand: EMFILE: the process ran out of file descriptors \(limit 256\)\. .*Raise the limit/);
  });

  it('rejects a bad argument with its usage line', async () => {
    const { code, stderr } = await runThousand(['many']);
    expect(code).toBe(64);
    expect(stderr).toMatch(/unexpected argument "many"\nusage: /);
  });
});
