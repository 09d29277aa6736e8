/**
 * `pnpm demo`: rxtls end to end on one machine, with nothing but Node.js.
 *
 * 1. makes a throw-away PKI (root → intermediate → leaf for localhost) in pure JS;
 * 2. starts an rxtls server (`createServer`) on 127.0.0.1 (an ephemeral port) with it;
 * 3. connects with the rxtls client, drawing the handshake timeline as it happens;
 * 4. prints what was negotiated (as both ends saw it) and the certificate chain;
 * 5. sends `GET / HTTP/1.1` over the connection and prints the response;
 * 6. a second act: `node:tls` (OpenSSL) as the client of the same rxtls server;
 * 7. a third act: rxtls itself running on Deno (the `deno` binary from npm) as its client.
 *
 * Usage: `pnpm demo [--rsa] [--wrong-root]`
 *   --rsa         RSA-2048 certificates instead of ECDSA P-256
 *   --wrong-root  trust the root of another generated PKI: watch verification fail (exit 1)
 * Colours only when stdout is a terminal and NO_COLOR is not set.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect as nodeTlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { TlsError, loadCertificates, parseCertificate, type HandshakeEvent, type NegotiatedParameters, type ParsedCertificate, type TlsSession } from '@rxtls/core';
import { createServer, type TlsServer, type TlsSocket } from '@rxtls/transport-node';
import { openTlsSession } from '@rxtls/transport-node/low-level';
import { palette, truncate } from './support/ansi.ts';
import { generateDemoPki, type DemoKeyType, type DemoPki } from './support/generate-pki.ts';
import { renderTimeline, timelineLegend } from './timeline-printer.ts';

/** What the embedded server answers to any request. */
const RESPONSE_BODY = 'Hello from an rxtls server, read through rxtls.\n';
/** The demo gives up (exit 1) rather than hang if something stalls. */
const DEADLINE_MS = 30_000;

const isTty = process.stdout.isTTY === true;
const colour = isTty && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb';
const width = isTty ? Math.min(80, process.stdout.columns || 80) : 80;
const p = palette(colour);

function now(): number {
  return performance.timeOrigin + performance.now();
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function heading(n: number, title: string): void {
  say();
  say(p.bold(`${p.blue(`${n}.`)} ${title}`));
}

/** `  key   value` lines, the value cut to the terminal width. */
function field(key: string, value: string, style: (s: string) => string = (s) => s): void {
  const label = `  ${key.padEnd(13)}`;
  say(`${p.dim(label)}${style(truncate(value, width - 1 - label.length))}`);
}

/**
 * An rxtls server that answers one HTTP/1.1 request per connection with a short text body,
 * then closes (close_notify, then FIN). Each connection is a server-role `TlsSocket`.
 */
async function startServer(pki: DemoPki): Promise<{ server: TlsServer; port: number }> {
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, ALPNProtocols: ['http/1.1'] }, (socket: TlsSocket) => {
    let request = '';
    socket.setEncoding('latin1');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      request += chunk;
      if (!request.includes('\r\n\r\n')) return;
      const body = Buffer.from(RESPONSE_BODY, 'utf8');
      const head = ['HTTP/1.1 200 OK', 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${body.length}`, 'Server: rxtls demo', 'Connection: close', '', ''].join('\r\n');
      socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
  });
  server.on('tlsClientError', () => {}); // the client reports its own failure
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Below this width a timeline line could wrap, and an in-place redraw would then go wrong. */
const LIVE_MIN_WIDTH = 60;

/**
 * Subscribe to `handshake$` and draw the timeline. On a terminal it is redrawn in place as
 * each step arrives; otherwise it is printed once, when the handshake is over.
 */
function drawTimeline(session: TlsSession, start: number): { finish: () => void } {
  const live = isTty && width >= LIVE_MIN_WIDTH;
  const events: HandshakeEvent[] = [];
  let drawn = 0;
  const options = { width, color: colour, start } as const;
  const draw = (): void => {
    const lines = renderTimeline(events, options);
    // Cursor to the start of the first line drawn last time, then clear to the end of the screen.
    const rewind = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
    process.stdout.write(`${rewind}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  session.handshake$.subscribe({
    next: (event) => {
      events.push(event);
      if (live) draw();
    },
    error: () => {}, // the failure is reported by handshake()'s rejection
  });
  return {
    finish: () => {
      if (!live || drawn === 0) draw();
    },
  };
}

function printParameters(parameters: NegotiatedParameters): void {
  field('protocol', parameters.version, p.green);
  field('cipher', parameters.cipherSuite, p.green);
  field('key group', parameters.group);
  field('signature', parameters.signatureScheme);
  field('ALPN', parameters.alpn ?? '(none)');
  field('server name', parameters.serverName ?? '(none)');
  field('HRR', parameters.helloRetry ? 'yes (the server asked for another key share)' : 'no');
}

/** The same handshake from the rxtls server's side (`socket.established` there). */
function printServerView(parameters: NegotiatedParameters): void {
  const sni = parameters.serverName ?? 'no SNI';
  field('server saw', `${parameters.cipherSuite}, ${parameters.group}, SNI ${sni}, ALPN ${parameters.alpn ?? 'none'}`);
}

/** Act two: node:tls (OpenSSL inside Node) as the client of the same rxtls server. */
async function nodeTlsAct(port: number, rootPem: string): Promise<void> {
  const socket = nodeTlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: rootPem, ALPNProtocols: ['http/1.1'] });
  socket.on('error', () => {});
  await once(socket, 'secureConnect');
  field('node:tls', `${socket.getProtocol() ?? '?'}, ${socket.getCipher().name}, ALPN ${socket.alpnProtocol || 'none'}`);
  field('verified', socket.authorized ? 'yes, against the generated root' : `no: ${String(socket.authorizationError)}`, socket.authorized ? p.green : p.red);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write('GET /again HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  await once(socket, 'end');
  socket.end();
  const status = Buffer.concat(chunks).toString('latin1').split('\r\n', 1)[0] ?? '';
  field('response', status);
}

/** Act three: the same rxtls code on another runtime (Deno), as a client of the same server. */
async function denoAct(port: number, rootPem: string): Promise<void> {
  const deno = fileURLToPath(new URL('../node_modules/.bin/deno', import.meta.url));
  if (!existsSync(deno)) {
    field('deno', p.dim('skipped: no deno binary (pnpm install brings it)'));
    return;
  }
  const args = ['run', '--allow-net', 'demo-client.ts', String(port), Buffer.from(rootPem).toString('base64')];
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(deno, args, { cwd: fileURLToPath(new URL('./deno', import.meta.url)), env }, (err, out, errOut) => (err ? reject(new Error(`rxtls on Deno failed: ${errOut || err.message}`)) : resolve(out)));
  });
  const r = JSON.parse(stdout) as { deno: string; version: string; cipherSuite: string; group: string; alpn: string | null; verifiedPath: number; status: string };
  field('runtime', `Deno ${r.deno}, the same @rxtls/core`);
  field('rxtls/Deno', `${r.version}, ${r.cipherSuite}, ALPN ${r.alpn ?? 'none'}`);
  field('verified', r.verifiedPath > 0 ? `yes, a path of ${r.verifiedPath} certificates` : 'no', r.verifiedPath > 0 ? p.green : p.red);
  field('response', r.status);
}

function printChain(parameters: NegotiatedParameters, rootPem: string): void {
  const sent = parameters.peerCertificates.map((der) => parseCertificate(der));
  const anchors = loadCertificates(rootPem).map((der) => parseCertificate(der));
  say(p.dim('  sent by the server (peerCertificates), leaf first:'));
  sent.forEach((cert, i) => certificateLines(i, cert, ''));

  say(p.dim('  verified path (verifiedPath), leaf to trust anchor:'));
  if (parameters.verifiedPath.length === 0) {
    say(`  ${p.red('not verified')}`);
    return;
  }
  // verifiedPath names subjects only; find each certificate among those sent and trusted.
  const known = new Map<string, { cert: ParsedCertificate; origin: string }>();
  for (const cert of sent) known.set(cert.subject, { cert, origin: '' });
  for (const cert of anchors) known.set(cert.subject, { cert, origin: 'trust anchor' });
  parameters.verifiedPath.forEach((subject, i) => {
    const entry = known.get(subject);
    certificateLines(i, entry?.cert ?? { subject, issuer: '?' }, entry?.origin ?? '');
  });
}

/** `[i] subject …` and `    issuer …`, with where the certificate came from. */
function certificateLines(index: number, cert: Pick<ParsedCertificate, 'subject' | 'issuer'>, origin: string): void {
  const indent = `  [${index}] `;
  const tag = origin === '' ? '' : `  ${origin}`;
  const room = width - 1 - indent.length - 'subject '.length;
  const subject = truncate(cert.subject, room - tag.length);
  say(`${indent}${p.dim('subject')} ${p.bold(subject)}${p.yellow(tag)}`);
  say(`${' '.repeat(indent.length)}${p.dim('issuer ')} ${truncate(cert.issuer, room)}`);
}

/** Print an HTTP message line by line with a direction mark, cutting long lines. */
function printHttp(mark: string, text: string, style: (s: string) => string): void {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  for (const line of lines) say(`  ${style(mark)} ${truncate(line, width - 1 - 4)}`);
}

async function readAll(session: TlsSession): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function main(argv: readonly string[]): Promise<void> {
  const unknown = argv.filter((a) => a !== '--rsa' && a !== '--wrong-root');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}; usage: pnpm demo [--rsa] [--wrong-root]`);
  const keyType: DemoKeyType = argv.includes('--rsa') ? 'rsa-2048' : 'ecdsa-p256';
  const wrongRoot = argv.includes('--wrong-root');
  const began = now();
  say(p.bold('rxtls demo') + p.dim(' · TLS 1.3 in TypeScript on both ends of the connection'));

  heading(1, 'Certificates');
  const t0 = now();
  const pki = await generateDemoPki({ keyType });
  field('made', `root CA → intermediate CA → leaf (${keyType}) in ${(now() - t0).toFixed(0)} ms`);
  field('leaf names', 'DNS:localhost, IP:127.0.0.1 · valid for one day');
  field('how', 'pkijs + asn1js + WebCrypto, no openssl');
  // With --wrong-root the client trusts a root that did not sign this chain.
  const trusted = wrongRoot ? (await generateDemoPki({ keyType })).rootPem : pki.rootPem;
  if (wrongRoot) field('trusting', 'the root of ANOTHER PKI (--wrong-root): expect a failure', p.yellow);

  const { server, port } = await startServer(pki);
  // The first connection as the server saw it ('secureConnection' comes once its handshake is done).
  const serverView = new Promise<NegotiatedParameters>((resolve) => server.once('secureConnection', (socket: TlsSocket) => void socket.established.then(resolve)));
  let session: TlsSession | undefined;
  try {
    heading(2, `Handshake with 127.0.0.1:${port} (rxtls server, in this process)`);
    const connectStart = now();
    session = await openTlsSession({ host: '127.0.0.1', port, servername: 'localhost', ca: trusted, alpnProtocols: ['http/1.1'] });
    const start = now();
    field('tcp connect', `${(start - connectStart).toFixed(2)} ms, then the TLS steps from handshake():`);
    const timeline = drawTimeline(session, start);
    const parameters = await session.handshake().finally(() => timeline.finish());
    say(timelineLegend({ width, color: colour }));
    say(p.dim('  (a fresh process: the first steps include module loading and JIT warm-up)'));

    heading(3, 'Negotiated');
    printParameters(parameters);
    printServerView(await serverView);

    heading(4, 'Certificate chain');
    printChain(parameters, pki.rootPem);

    heading(5, 'HTTP/1.1 over the connection');
    const request = 'GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: rxtls-demo\r\nConnection: close\r\n\r\n';
    printHttp('>', request, p.cyan);
    await session.write(new TextEncoder().encode(request));
    const response = new TextDecoder().decode(await readAll(session));
    printHttp('<', response, p.magenta);
    let closing = 'the server sent close_notify, and so did we';
    try {
      await session.shutdown();
    } catch (err) {
      // The server may already have torn its socket down after its own close_notify.
      closing = `the server sent close_notify; ours did not reach it (${err instanceof Error ? err.message : String(err)})`;
    }

    heading(6, 'Second act: a node:tls client, same rxtls server');
    await nodeTlsAct(port, pki.rootPem);

    heading(7, 'Third act: rxtls on Deno, same rxtls server');
    // Acts 1 to 6 stand on their own: a Deno that cannot start is reported, not fatal.
    await denoAct(port, pki.rootPem).catch((err: unknown) => field('deno', truncate(err instanceof Error ? err.message.split('\n')[0]! : String(err), width - 15), p.red));

    say();
    say(`${p.green('✓')} done in ${(now() - began).toFixed(0)} ms; ${closing}.`);
  } finally {
    session?.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const deadline = setTimeout(() => {
  process.stderr.write(`${p.red('demo failed:')} not finished after ${DEADLINE_MS / 1000} s, giving up\n`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

main(process.argv.slice(2)).then(
  () => {
    clearTimeout(deadline);
    process.exitCode = 0;
  },
  (err: unknown) => {
    clearTimeout(deadline);
    const message = err instanceof Error ? err.message : String(err);
    const alert = err instanceof TlsError ? ` [alert ${err.alertName}, ${err.origin === 'peer' ? 'from the server' : 'sent to the server'}]` : '';
    process.stderr.write(`\n${p.red('demo failed:')} ${message}${alert}\n`);
    process.exitCode = 1;
  },
);
