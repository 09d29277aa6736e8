/**
 * A live handshake timeline: every step of a TLS 1.3 handshake printed the moment it happens.
 *
 * A `TlsSocket` from `connect()` reports its progress as observables:
 *   - `handshake$`: one event per handshake step (client-hello-sent, server-hello, ...,
 *     established), each with its timestamp `at`; completes when the handshake is done;
 *   - `messages$`: every handshake message, record and alert on the wire, both directions
 *     (what `openssl s_client -msg` shows).
 * Subscribe to them right after `connect()` and print each event as it arrives. This
 * example does that, closes the connection (close_notify both ways, also shown live), then
 * draws the whole handshake as a chart with `renderTimeline` (./timeline-printer.ts) and
 * prints the negotiated parameters.
 *
 * Usage: `node --import tsx examples/live-timeline.ts [HOST[:PORT]]`
 *   HOST:PORT  connect there (port 443 by default), trusting Node's default roots
 *   (none)     start a local `node:tls` server with a generated certificate and connect to it
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { TlsError, type HandshakeEvent, type MessageEvent } from '@rxtls/core';
import { connect, type ConnectionOptions } from '@rxtls/transport-node';
import { generateDemoPki } from './support/generate-pki.ts';
import { actorOf, describeStep, formatDuration, renderTimeline } from './timeline-printer.ts';

/** The same clock as the events' `at` (milliseconds since the epoch, fractional). */
const now = (): number => performance.timeOrigin + performance.now();

/** Where to connect and what to trust: the command line's HOST[:PORT], or a local server. */
async function target(arg: string | undefined): Promise<{ options: ConnectionOptions; label: string; server?: Server }> {
  if (arg !== undefined) {
    const url = new URL(`tls://${arg}`);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || 443);
    return { options: { host, port }, label: `${host}:${port}` }; // no `ca`: Node's default roots
  }
  const pki = await generateDemoPki();
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, minVersion: 'TLSv1.3', ALPNProtocols: ['http/1.1'] }, (s) => s.on('error', () => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { options: { host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem }, label: `127.0.0.1:${port} (local node:tls server)`, server };
}

const ARROWS = { client: '→', server: '←', local: '✓' } as const;

/** One wire event in a few words: `>>> ClientHello`-style, like `s_client -msg`. */
function describeMessage(m: MessageEvent): string {
  const arrow = m.direction === 'sent' ? '>>>' : '<<<';
  switch (m.kind) {
    case 'record':
      return `${arrow} record ${m.contentType}, ${m.length} bytes${m.encrypted ? ', encrypted' : ''}`;
    case 'handshake':
      return `${arrow} ${m.messageType}, ${m.length} bytes`;
    case 'alert':
      return `${arrow} alert ${m.level} ${m.description}`;
    case 'change-cipher-spec':
      return `${arrow} change_cipher_spec (middlebox compatibility)`;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.length > 1) throw new Error('usage: live-timeline.ts [HOST[:PORT]]');
  const { options, label, server } = await target(argv[0]);
  try {
    console.log(`live handshake timeline: ${label}`);
    console.log('       time  step (→ client, ← server, ✓ checked) and wire messages');
    const start = now();
    // The engine hands over the events of one step together, synchronously, on two streams:
    // collect them and print them in time order at the end of the same tick (still live).
    let batch: { at: number; text: string }[] = [];
    const flush = (): void => {
      for (const e of batch.sort((a, b) => a.at - b.at)) console.log(`${`+${formatDuration(e.at - start)}`.padStart(11)}  ${e.text}`);
      batch = [];
    };
    const log = (at: number, text: string): void => {
      if (batch.length === 0) queueMicrotask(flush);
      batch.push({ at, text });
    };

    const socket = connect({ ...options, ALPNProtocols: ['h2', 'http/1.1'] });
    socket.on('error', () => {}); // failures are reported by `established` and `close$` below
    socket.once('connect', () => log(now(), 'tcp connected'));
    const closed = firstValueFrom(socket.close$);

    // Subscribe at once: each event is printed the moment the engine reports it. (Both streams
    // also replay to late subscribers, so a UI that opens later still sees the whole story.)
    const steps: HandshakeEvent[] = [];
    socket.handshake$.subscribe({
      next: (step) => {
        steps.push(step);
        const mark = step.type === 'established' ? '●' : ARROWS[actorOf(step.type)];
        const detail = describeStep(step);
        log(step.at, `${mark} ${step.type}${detail ? `: ${detail}` : ''}`);
      },
      error: () => {}, // the same error rejects `established`
    });
    socket.messages$.subscribe({ next: (m) => log(m.at, `      ${describeMessage(m)}`), error: () => {} });

    const parameters = await socket.established;
    // Close at once: end() sends close_notify; the server answers with its own (both show above).
    socket.end();
    socket.resume(); // discard anything the server still sends (session tickets arrive as messages)
    const giveUp = setTimeout(() => socket.destroy(), 3000);
    const { clean, error } = await closed;
    clearTimeout(giveUp);
    log(now(), `closed ${clean ? 'cleanly (close_notify both ways)' : `without the server's close_notify${error ? `: ${error.message}` : ''}`}`);
    flush();

    console.log();
    console.log('the handshake on one time axis (renderTimeline):');
    for (const line of renderTimeline(steps, { start, details: false })) console.log(line);
    console.log();
    console.log('negotiated:');
    console.log(`  protocol     ${parameters.version}`);
    console.log(`  cipher       ${parameters.cipherSuite}`);
    console.log(`  key group    ${parameters.group}${parameters.helloRetry ? ' (after a HelloRetryRequest)' : ''}`);
    console.log(`  signature    ${parameters.signatureScheme}`);
    console.log(`  ALPN         ${parameters.alpn ?? '(none)'}`);
    console.log(`  server name  ${parameters.serverName ?? '(none)'}`);
    const [leaf, ...issuers] = parameters.verifiedPath; // leaf first, up to the trust anchor
    console.log(`  verified     ${leaf ?? '(no)'}`);
    for (const subject of issuers) console.log(`             ↑ ${subject}`);
  } finally {
    server?.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const alert = err instanceof TlsError ? ` [alert ${err.alertName}]` : '';
  console.error(`live-timeline failed: ${err instanceof Error ? err.message : String(err)}${alert}`);
  process.exitCode = 1;
});
