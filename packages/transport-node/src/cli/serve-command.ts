import { appendFileSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { NegotiatedParameters, ServerCertificate } from '@rxtls/core';
import { createServer, type TlsServer } from '../server.ts';
import type { TlsSocket } from '../socket/tls-socket.ts';
import { ArgsError, parseFlags } from './args.ts';

/** Where the command writes: real streams in the CLI, fakes in tests; `stopped` resolves to stop serving. */
export interface ServeIo {
  stdout(data: Uint8Array): void;
  stderr(line: string): void;
  /** Serving ends when this resolves (SIGINT/SIGTERM in the CLI). */
  stopped: Promise<void>;
  /** Called with the server once it listens (tests). */
  onListening?: (server: TlsServer) => void;
}

export const SERVE_USAGE =
  'usage: rxtls serve [--host ADDR] --port P --cert FILE --key FILE [--cert FILE --key FILE ...] [--alpn a,b] [--ca FILE --require-client-cert] [--www | --echo] [--keylog FILE] [--trace]';

/** The largest HTTP request head `--www` reads before giving up on it. */
const MAX_REQUEST_HEAD = 16 * 1024;

type Mode = 'www' | 'echo' | 'print';

interface ServeOptions {
  host: string;
  port: number;
  certificates: ServerCertificate[];
  alpn: string[] | undefined;
  mode: Mode;
  keylog: string | undefined;
  trace: boolean;
  clientAuth: { ca: string; required: boolean } | undefined;
}

function parseOptions(argv: readonly string[]): ServeOptions {
  const { flags } = parseFlags(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    cert: { type: 'string', multiple: true },
    key: { type: 'string', multiple: true },
    alpn: { type: 'string' },
    ca: { type: 'string' },
    'require-client-cert': { type: 'boolean' },
    www: { type: 'boolean' },
    echo: { type: 'boolean' },
    keylog: { type: 'string' },
    trace: { type: 'boolean' },
  } as const);
  if (flags.port === undefined) throw new ArgsError('--port is required (0 picks a free port)');
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) throw new ArgsError(`bad --port "${flags.port}"`);
  const certs = flags.cert ?? [];
  const keys = flags.key ?? [];
  if (certs.length === 0) throw new ArgsError('--cert FILE and --key FILE are required');
  if (certs.length !== keys.length) throw new ArgsError('give one --key for each --cert, in the same order');
  if (flags.www === true && flags.echo === true) throw new ArgsError('--www and --echo exclude each other');
  if (flags['require-client-cert'] === true && flags.ca === undefined) throw new ArgsError('--require-client-cert needs --ca FILE');
  const certificates = certs.map((file, i): ServerCertificate => ({ chain: readFileSync(file, 'utf8'), key: readFileSync(keys[i]!, 'utf8') }));
  return {
    host: flags.host ?? '127.0.0.1',
    port,
    certificates,
    alpn: flags.alpn?.split(',').map((s) => s.trim()).filter(Boolean),
    mode: flags.www === true ? 'www' : flags.echo === true ? 'echo' : 'print',
    keylog: flags.keylog,
    trace: flags.trace === true,
    // --ca asks for client certificates (optional); --require-client-cert makes them mandatory.
    clientAuth: flags.ca === undefined ? undefined : { ca: readFileSync(flags.ca, 'utf8'), required: flags['require-client-cert'] === true },
  };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `openssl s_server -www`'s page, smaller: what this connection negotiated. */
export function statusPage(p: NegotiatedParameters, peer: string): string {
  const resumed = (p as { resumed?: boolean }).resumed === true ? 'yes' : 'no';
  const rows: [string, string][] = [
    ['Protocol', p.version],
    ['Cipher suite', p.cipherSuite],
    ['Key exchange group', p.group],
    ['Signature scheme', p.signatureScheme],
    ['ALPN', p.alpn ?? 'none'],
    ['SNI', p.serverName ?? 'none'],
    ['HelloRetryRequest', p.helloRetry ? 'yes' : 'no'],
    ['Resumed', resumed],
    ['Client certificate', p.verifiedPath[0] ?? 'none'],
    ['Peer', peer],
  ];
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>rxtls serve</title></head>\n<body><h1>rxtls serve</h1>\n<table>\n${body}\n</table></body></html>\n`;
}

/** Read one request head, answer with the status page in a single write (one record), then close_notify. */
function serveWww(socket: TlsSocket, negotiated: NegotiatedParameters, peer: string, log: (line: string) => void): void {
  let head = '';
  const onData = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n') && !head.includes('\n\n')) {
      if (head.length > MAX_REQUEST_HEAD) socket.destroy();
      return;
    }
    socket.off('data', onData);
    const requestLine = head.split(/\r?\n/, 1)[0] ?? '';
    log(`${peer} ${requestLine}`);
    const body = Buffer.from(statusPage(negotiated, peer), 'utf8');
    const response = Buffer.concat([
      Buffer.from(`HTTP/1.0 200 ok\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, 'latin1'),
      body,
    ]);
    socket.end(response);
    socket.resume(); // drain anything else until the client closes
  };
  socket.on('data', onData);
}

/**
 * `rxtls serve`: a TLS 1.3 server like `openssl s_server`. Prints `ACCEPT host:port` on stderr
 * when listening and one line per connection; serves until `io.stopped` resolves. Returns
 * the exit status (2 for a bad command line).
 */
export async function serveCommand(argv: readonly string[], io: ServeIo): Promise<number> {
  let options: ServeOptions;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (err instanceof ArgsError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr(`rxtls serve: ${(err as Error).message}`);
      io.stderr(SERVE_USAGE);
      return 2;
    }
    throw err;
  }
  let server: TlsServer;
  try {
    server = createServer({
      certificates: options.certificates,
      ...(options.alpn !== undefined ? { ALPNProtocols: options.alpn } : {}),
      ...(options.keylog !== undefined ? { keylog: (line: string) => appendFileSync(options.keylog!, `${line}\n`) } : {}),
      ...(options.trace ? { trace: true } : {}),
      ...(options.clientAuth !== undefined ? { clientAuth: options.clientAuth } : {}),
    });
  } catch (err) {
    io.stderr(`rxtls serve: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }

  server.on('secureConnection', (socket: TlsSocket) => {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.on('error', (err: Error) => io.stderr(`${peer} error: ${err.message}`));
    void socket.established.then((p) => {
      io.stderr(`CONNECTION ${peer} sni=${p.serverName ?? '-'} suite=${p.cipherSuite} group=${p.group} alpn=${p.alpn ?? '-'}`);
      if (options.mode === 'www') serveWww(socket, p, peer, io.stderr);
      else if (options.mode === 'echo') socket.pipe(socket);
      else socket.on('data', (chunk: Buffer) => io.stdout(chunk));
    });
  });
  server.on('tlsClientError', (err: Error, socket: TlsSocket) => {
    io.stderr(`${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} handshake failed: ${err.message}`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    io.stderr(`rxtls serve: cannot listen on ${options.host}:${options.port}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.stderr(`ACCEPT ${shown}:${address.port}`);
  io.onListening?.(server);
  await io.stopped;
  server.close();
  server.closeAllConnections();
  return 0;
}
