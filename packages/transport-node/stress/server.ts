/**
 * The server under attack, in its own process so that its event loop, CPU time and memory
 * are its own: `rxtls` (transport-node's createServer) or `node` (node:tls), both echoing,
 * both with the same certificate and handshake timeout. Driven over IPC by stress.ts:
 *   { cmd: 'reset' }   start a measurement (event-loop delay histogram, CPU, RSS after a GC)
 *   { cmd: 'report' }  → Report
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer as createNodeTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo, Server } from 'node:net';
import { TlsError, HandshakeTimeoutError } from '@rxtls/core';
import { createServer } from '../src/index.ts';
import { getTestPki } from '../../core/test/support/pki.ts';

/** What the server tells stress.ts. */
export interface Report {
  /** The longest the event loop was held, in ms (monitorEventLoopDelay max less its 10 ms resolution). */
  readonly stallMs: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  readonly rssAtResetBytes: number;
  /** The JS heap in use plus memory outside it (Buffers, ArrayBuffers): what is really held, without the allocator's slack. */
  readonly heldBytes: number;
  readonly heldAtResetBytes: number;
  readonly openConnections: number;
  /** How connections ended since the reset, by reason (the alert sent, a timeout, a close). */
  readonly ends: Record<string, number>;
}

const kind = process.argv[2] as 'rxtls' | 'node';
const handshakeTimeout = Number(process.argv[3] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
const RESOLUTION_MS = 10;

const pki = await getTestPki();
const cert = [pki.servers.p256.certPem, pki.intermediatePem];
const key = pki.servers.p256.keyPem;

let ends: Record<string, number> = {};
let open = 0;
const ended = (reason: string): void => {
  ends[reason] = (ends[reason] ?? 0) + 1;
};

/** A reason for an error, in the words of each stack: rxtls's alert, OpenSSL's reason code. */
function reasonOf(err: unknown): string {
  if (err instanceof HandshakeTimeoutError) return 'handshake timeout';
  if (err instanceof TlsError) return `${err.origin === 'local' ? 'sent' : 'got'} ${err.alertName}`;
  const e = err as { code?: string; reason?: string; message?: string };
  if (e.message?.includes('TLS handshake timeout')) return 'handshake timeout';
  return e.reason ?? e.code ?? e.message ?? String(err);
}

function watch(socket: { on(event: 'error', l: (e: Error) => void): unknown; once(event: 'close', l: () => void): unknown }, established: boolean): void {
  let reason: string | undefined;
  socket.on('error', (e) => (reason ??= reasonOf(e)));
  socket.once('close', () => ended(reason ?? (established ? 'closed after the handshake' : 'closed')));
}

let server: Server;
if (kind === 'rxtls') {
  const s = createServer({ cert, key, handshakeTimeout }, (socket) => {
    watch(socket, true);
    socket.pipe(socket);
  });
  s.on('tlsClientError', (err) => ended(reasonOf(err)));
  server = s;
} else {
  const s = createNodeTlsServer({ cert: cert.join(''), key, handshakeTimeout, minVersion: 'TLSv1.3' }, (socket: TLSSocket) => {
    watch(socket, true);
    socket.pipe(socket);
  });
  s.on('tlsClientError', (err) => ended(reasonOf(err)));
  server = s;
}
server.on('connection', (tcp: { once(e: 'close', l: () => void): unknown }) => {
  open++;
  tcp.once('close', () => open--);
});
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));

const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
let cpuAtReset = process.cpuUsage();
let rssAtReset = process.memoryUsage().rss;
const held = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
let heldAtReset = held();

/** The worst stall seen before the last forced GC (whose own pause is not the attack's). */
let stallBefore = 0;

process.on('message', (msg: { cmd: string; gc?: boolean }) => {
  if (msg.cmd === 'reset') {
    gc?.();
    delay.reset();
    stallBefore = 0;
    cpuAtReset = process.cpuUsage();
    rssAtReset = process.memoryUsage().rss;
    heldAtReset = held();
    ends = {};
    process.send!({ cmd: 'reset' });
  } else if (msg.cmd === 'report') {
    const stall = Math.max(stallBefore, delay.max / 1e6 - RESOLUTION_MS, 0);
    if (msg.gc === true) {
      // Memory held, not garbage: collect first. The collection's own pause is kept out of the
      // stall figure (the histogram restarts once the late tick it causes has been recorded).
      stallBefore = stall;
      gc?.();
      setTimeout(() => delay.reset(), 50);
    }
    const cpu = process.cpuUsage(cpuAtReset);
    const report: Report = {
      stallMs: stall,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBytes: process.memoryUsage().rss,
      rssAtResetBytes: rssAtReset,
      heldBytes: held(),
      heldAtResetBytes: heldAtReset,
      openConnections: open,
      ends,
    };
    process.send!({ cmd: 'report', report });
  }
});
process.send!({ cmd: 'listening', port: (server.address() as AddressInfo).port });
// Stopped by stress.ts: exit normally, so that a --cpu-prof profile gets written.
process.on('SIGINT', () => process.exit(0));
