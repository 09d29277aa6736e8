// `--help` on every command, on each runtime: the command's usage on stdout, exit 0; and
// `serve --www` refusing to offer an ALPN protocol it cannot answer.
import { describe, expect, it } from 'vitest';
import { RUNTIMES, rxtls } from './support/runtimes.ts';

describe.each(RUNTIMES)('help and usage on $name', (runtime) => {
  it.skipIf(runtime.problem !== undefined).each(['connect', 'serve', 'verify'])('rxtls %s --help: its usage on stdout, exit 0', async (command) => {
    for (const flag of ['--help', '-h']) {
      const r = await rxtls(runtime, [command, flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: rxtls ${command} `));
      expect(r.stderr).toBe('');
    }
  });

  it.skipIf(runtime.problem !== undefined)('rxtls --help lists every command with its current flags', async () => {
    const r = await rxtls(runtime, ['--help']);
    expect(r.code).toBe(0);
    for (const line of ['  connect HOST:PORT', '  serve ', '  verify --ca']) expect(r.stdout).toContain(line);
    expect(r.stdout).toContain('--min-version V'); // the commands' own usage, not a stale copy
  });

  it.skipIf(runtime.problem !== undefined)('serve --www --alpn h2,http/1.1: refused (the page is HTTP/1.1 only), exit 2', async () => {
    const r = await rxtls(runtime, ['serve', '--port', '0', '--cert', 'x.pem', '--key', 'x.key', '--www', '--alpn', 'h2,http/1.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--www answers HTTP\/1\.1 only: --alpn may not offer h2/);
  });
});
