/**
 * Many rxtls client connections (default 1,000) in one process, driven by one `Selector` in
 * one `while` loop: the select() program a C programmer writes with OpenSSL's non-blocking
 * API, in TypeScript. No per-connection async function, no per-connection loop.
 *
 * A `node:tls` echo server runs in the same process on 127.0.0.1 with a generated PKI. Each
 * client does the TLS 1.3 handshake (one shared TlsClientContext trusting the generated
 * root), writes a short message, reads the echo, and closes with close_notify (waiting for
 * the server's). Then it prints connections, total time, handshakes/s, peak RSS and
 * event-loop delay.
 *
 * Usage: node --import tsx examples/multiplex/thousand.ts [count] [--provider noble|node]
 *   count       how many connections, all started at once (default 1000)
 *   --provider  noble: rxtls's pure-JS default; node: node:crypto (default noble)
 *
 * Each connection takes two file descriptors here (client and server side): a count above
 * about half of `ulimit -n` ends in EMFILE, which is reported as such.
 *
 * Exit status: 0 every connection succeeded; 1 some failed; 2 EMFILE; 64 bad arguments.
 */
import { execFileSync } from 'node:child_process';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Selector, TlsClientContext, nobleProvider, type CryptoProvider } from '@rxtls/core';
import { nodeCryptoProvider } from '@rxtls/transport-node';
import { NodeReadiness } from '@rxtls/transport-node/low-level';
import { generateDemoPki, type DemoPki } from '../support/generate-pki.ts';
import { clientDriver, newClient, runSelectLoop, type Client } from './client-steps.ts';

/** select() gives up after this long without any connection making progress. */
const STALL_MS = 15_000;
/** Descriptors the process needs besides the connections (stdio, the listener, tsx, ...). */
const FD_OVERHEAD = 32;

interface Options {
  readonly count: number;
  readonly provider: CryptoProvider;
  readonly providerName: string;
}

function parseArgs(argv: readonly string[]): Options {
  let count = 1000;
  let providerName = 'noble';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--provider') {
      providerName = argv[++i] ?? '';
      if (providerName !== 'noble' && providerName !== 'node') usage(`unknown provider ${JSON.stringify(providerName)}`);
    } else if (/^\d+$/.test(arg) && Number(arg) > 0) {
      count = Number(arg);
    } else {
      usage(`unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  return { count, provider: providerName === 'node' ? nodeCryptoProvider : nobleProvider, providerName };
}

function usage(problem: string): never {
  process.stderr.write(`thousand: ${problem}\nusage: node --import tsx examples/multiplex/thousand.ts [count] [--provider noble|node]\n`);
  process.exit(64);
}

/** The soft open-file limit, as the shell reports it (`ulimit -n`). */
function openFileLimit(): number | undefined {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return /^\d+$/.test(out) ? Number(out) : undefined; // "unlimited" has no ceiling to report
  } catch {
    return undefined;
  }
}

/** A node:tls server that echoes every byte and answers close_notify with its own. */
async function startEchoServer(pki: DemoPki, onError: (err: NodeJS.ErrnoException) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, minVersion: 'TLSv1.3' }, (socket: TLSSocket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket); // on the client's close_notify: end() → close_notify, then FIN
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The whole count arrives at once: a backlog that holds it avoids SYN retries (1 s each).
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', onError); // accept() failing (EMFILE) must not kill the process
  return { server, port: (server.address() as AddressInfo).port };
}

function errnoOf(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const say = (label: string, value: string): void => void process.stdout.write(`  ${label.padEnd(18)}${value}\n`);

async function main(): Promise<number> {
  const { count, provider, providerName } = parseArgs(process.argv.slice(2));
  const fdLimit = openFileLimit();
  const fdNeeded = 2 * count + FD_OVERHEAD;
  process.stdout.write(`rxtls multiplex: ${count} TLS 1.3 connections, one Selector, one loop (provider ${providerName})\n`);
  // Node lifts the soft limit to the hard one at startup: what the shell below reports is what applies.
  say('open-file limit', fdLimit === undefined ? 'unlimited or unknown (ulimit -n)' : `${fdLimit} (ulimit -n); this run needs about ${fdNeeded}`);
  if (fdLimit !== undefined && fdNeeded > fdLimit) {
    process.stdout.write(`  warning: ${count} connections need about ${fdNeeded} file descriptors (two each: client and server side); expect EMFILE\n`);
  }

  const pki = await generateDemoPki();
  const serverErrors: NodeJS.ErrnoException[] = [];
  const { server, port } = await startEchoServer(pki, (err) => serverErrors.push(err));
  const context = new TlsClientContext({ ca: pki.rootPem, provider }); // SSL_CTX: trust anchors parsed once

  const selector = new Selector<Client>();

  const { advance, tally } = clientDriver(selector, (conn) => errnoOf(conn.error));
  const { failures, handshakeTimes } = tally;

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const start = performance.now();

  // Open every connection at once. A socket takes writes before TCP has connected (Node
  // queues them), so each ClientHello goes out as soon as it exists.
  for (let id = 0; id < count; id++) {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const key = selector.register(context.connection({ serverName: 'localhost' }), new NodeReadiness(socket), newClient(id));
    advance(key);
  }

  // The loop: wait for any connection to be ready, move its bytes, make its next call.
  const { selectCalls, selectedKeys, maxBatch, stalled } = await runSelectLoop(selector, advance, STALL_MS);
  const totalMs = performance.now() - start;
  delay.disable();
  selector.close();
  server.close();

  handshakeTimes.sort((a, b) => a - b);
  const succeeded = tally.succeeded;
  const failed = count - succeeded;
  say('connections', `${count}: ${succeeded} succeeded, ${failed} failed`);
  for (const [reason, n] of failures) say('', `${n} × ${reason}`);
  if (stalled > 0) say('', `${stalled} × no progress for ${STALL_MS / 1000} s (stalled)`);
  say('total time', ms(totalMs));
  say('handshakes/s', (succeeded / (totalMs / 1000)).toFixed(1));
  if (handshakeTimes.length > 0) say('handshake time', `p50 ${ms(percentile(handshakeTimes, 50))}, p99 ${ms(percentile(handshakeTimes, 99))} (from start, all ${count} started at once)`);
  say('select() calls', `${selectCalls}, ${(selectedKeys / Math.max(1, selectCalls)).toFixed(1)} keys each on average, ${maxBatch} at most`);
  say('peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  say('event-loop delay', delay.count === 0 ? 'no sample (the run was shorter than the 10 ms resolution)' : `mean ${ms(delay.mean / 1e6)}, p99 ${ms(delay.percentile(99) / 1e6)}, max ${ms(delay.max / 1e6)}`);

  const emfile = [...failures.keys()].some((r) => r.startsWith('EMFILE')) || serverErrors.some((e) => e.code === 'EMFILE');
  if (emfile) {
    process.stderr.write(
      `thousand: EMFILE: the process ran out of file descriptors (limit ${fdLimit ?? 'unknown'}). Each connection takes two here ` +
        `(the rxtls client and the node:tls server side), so ${count} need about ${fdNeeded}. ` +
        `Raise the limit (ulimit -n ${Math.max(4096, fdNeeded)}; Node lifts the soft limit to the hard one, ulimit -Hn, by itself) or pass a smaller count.\n`,
    );
    return 2;
  }
  for (const err of serverErrors) process.stderr.write(`thousand: server: ${err.message}\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`thousand: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
