// https-get.ts, streaming-client.ts and live-timeline.ts run as child processes, the way a user
// runs them (`node --import tsx examples/<name>.ts`), each against its own local server.
import { describe, expect, it } from 'vitest';
import { runTsx, type Run } from './support/run-process.ts';

const runExample = (file: string, args: readonly string[] = []): Promise<Run> => runTsx(`examples/${file}`, args);

/** The rest of the line after `label` and spaces, for the line starting with `label`. */
function field(stdout: string, label: string): string | undefined {
  return new RegExp(`^${label} +(.+)$`, 'm').exec(stdout)?.[1];
}

/** A size printed as `12.3 MiB`, in MiB. */
function mib(text: string | undefined): number {
  const m = /(\d+(?:\.\d+)?) MiB/.exec(text ?? '');
  if (!m) throw new Error(`no MiB figure in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

describe('examples/https-get.ts (no argument: a local node:https server)', () => {
  const run = runExample('https-get.ts');

  it('exits 0 with nothing on stderr', async () => {
    const { code, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints status 200, the headers node:http parsed, and the body', async () => {
    const { stdout } = await run;
    expect(field(stdout, 'status')).toBe('200 OK');
    const headers = stdout.slice(stdout.indexOf('\nheaders\n'), stdout.indexOf('\nbody\n'));
    expect(headers).toMatch(/^ {2}content-type: text\/plain; charset=utf-8$/m);
    // The server echoes the path it received: node:http sent the request line through rxtls.
    expect(headers).toMatch(/^ {2}x-request-path: \/hello\?from=rxtls$/m);
    expect(stdout.slice(stdout.indexOf('\nbody\n') + 6)).toBe('Hello from node:https, fetched with node:http over rxtls.\n');
  });

  it('went over TLS 1.3 with ALPN http/1.1 and a verified certificate', async () => {
    const { stdout } = await run;
    expect(field(stdout, 'tls')).toMatch(/^TLSv1\.3 TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256), ALPN http\/1\.1, authorized true$/);
  });

  it('refuses a URL that is not https: (exit 1)', async () => {
    const { code, stderr } = await runExample('https-get.ts', ['http://localhost/']);
    expect(code).toBe(1);
    expect(stderr).toBe('https-get failed: not an https: URL: http://localhost/\n');
  });
});

describe('examples/streaming-client.ts (defaults: 3 s at 8 MiB/s)', () => {
  const SECONDS = 3;
  const RATE_MIB = 8;
  /** Bounds: RSS of the client process (which also hosts the server) grows less than 64 MiB; in flight stays under 32 MiB. */
  const RSS_GROWTH_BOUND_MIB = 64;
  const IN_FLIGHT_BOUND_MIB = 32;
  const run = runExample('streaming-client.ts');

  it('exits 0 with nothing on stderr, after a clean close (close_notify both ways)', async () => {
    const { code, stdout, stderr } = await run;
    console.log(stdout);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(field(stdout, 'close')).toMatch(/^clean: close_notify sent and received; \d+\.\d MiB drained after end\(\)$/);
  });

  it('prints one row per second with throughput, in flight and RSS', async () => {
    const rows = (await run).stdout.split('\n').filter((l) => /^ *\d+\.\d s /.test(l));
    expect(rows).toHaveLength(SECONDS);
    for (const row of rows) expect(row).toMatch(/^ *\d+\.\d s +\d+\.\d MiB\/s +\d+\.\d MiB +\d+\.\d MiB +\d+\.\d MiB +\d+\.\d MiB$/);
  });

  it(`reads about ${RATE_MIB} MiB/s × the elapsed time (±15 %)`, async () => {
    const line = field((await run).stdout, 'read');
    const m = /^(\d+\.\d) MiB in (\d+\.\d+) s/.exec(line ?? '');
    expect(m).not.toBeNull();
    const [read, seconds] = [Number(m![1]), Number(m![2])];
    expect(seconds).toBeGreaterThanOrEqual(SECONDS * 0.95);
    expect(read).toBeGreaterThan(RATE_MIB * seconds * 0.85);
    expect(read).toBeLessThan(RATE_MIB * seconds * 1.15);
  });

  it(`holds the server back: in flight < ${IN_FLIGHT_BOUND_MIB} MiB, RSS growth < ${RSS_GROWTH_BOUND_MIB} MiB`, async () => {
    const { stdout } = await run;
    const read = mib(field(stdout, 'read'));
    const written = mib(field(stdout, 'server wrote'));
    expect(written).toBeGreaterThanOrEqual(read);
    expect(written - read).toBeLessThan(IN_FLIGHT_BOUND_MIB);
    expect(mib(field(stdout, 'in flight'))).toBeLessThan(IN_FLIGHT_BOUND_MIB);
    expect(mib(field(stdout, 'RSS growth'))).toBeLessThan(RSS_GROWTH_BOUND_MIB);
  });
});

describe('examples/live-timeline.ts (no argument: a local node:tls server)', () => {
  const STEPS = ['client-hello-sent', 'server-hello', 'encrypted-extensions', 'certificate', 'certificate-verified', 'server-finished', 'client-finished-sent', 'established'];
  const run = runExample('live-timeline.ts');
  /** The live log: `+12.3 ms  text` lines, in print order. */
  const logLines = async (): Promise<{ ms: number; text: string }[]> =>
    (await run).stdout
      .split('\n')
      .map((l) => /^ *\+(\d+(?:\.\d+)?) (ms|s) {2}(.+)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ ms: Number(m[1]) * (m[2] === 's' ? 1000 : 1), text: m[3]! }));

  it('exits 0 with nothing on stderr', async () => {
    const { code, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints every handshake step, in order, with non-decreasing times', async () => {
    const log = await logLines();
    const steps = log.map((l) => /^[→←✓●] ([a-z-]+)/.exec(l.text)?.[1]).filter((s) => s !== undefined);
    expect(steps).toEqual(STEPS);
    for (let i = 1; i < log.length; i++) expect(log[i]!.ms).toBeGreaterThanOrEqual(log[i - 1]!.ms);
  });

  it('interleaves the wire messages with the steps they cause, then the close_notify both ways', async () => {
    const texts = (await logLines()).map((l) => l.text.trim());
    const index = (prefix: string): number => texts.findIndex((t) => t.startsWith(prefix));
    const order = [
      '>>> client_hello',
      '→ client-hello-sent',
      '<<< server_hello',
      '← server-hello',
      '<<< encrypted_extensions',
      '<<< certificate,',
      '← certificate:',
      '<<< certificate_verify',
      '✓ certificate-verified',
      '<<< finished',
      '← server-finished',
      '>>> finished',
      '● established',
      '>>> alert warning close_notify',
      '<<< alert warning close_notify',
      'closed cleanly',
    ].map(index);
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('draws the chart and prints the negotiated parameters', async () => {
    const { stdout } = await run;
    const chartSteps = stdout.split('\n').filter((l) => /^ {2}\S [a-z-]+ +\d/.test(l)).map((l) => l.split(/\s+/)[2]);
    expect(chartSteps).toEqual(STEPS);
    expect(field(stdout, ' {2}protocol')).toBe('TLSv1.3');
    expect(field(stdout, ' {2}ALPN')).toBe('http/1.1');
    expect(field(stdout, ' {2}server name')).toBe('localhost');
    expect(field(stdout, ' {2}verified')).toBe('CN=localhost,O=rxtls demo');
  });
});
