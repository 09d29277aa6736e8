import { TlsServerContext, TlsSession, formatMessage, type NegotiatedParameters, type ServerCertificate, type ServerConfig } from '@rxtls/core';
import { ArgsError, parseFlags } from './args.ts';
import { parseTimeout, readTextFile } from './connect-command.ts';
import { describeError, describeFailure } from './errors.ts';
import { formatPeer, type CliHost, type HostConnection, type HostListener } from './host.ts';
import { VERSION_FLAGS, versionOptions } from './versions.ts';

export const SERVE_USAGE =
  'usage: rxtls serve [--host ADDR] --port P --cert FILE --key FILE [--cert FILE --key FILE ...] [--alpn a,b] [--ca FILE --require-client-cert] [--www | --echo] [--min-version V] [--max-version V] [--keylog FILE] [--trace] [--timeout SECONDS]';

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
  /** Handshake timeout in ms (0: none); undefined: core's default, 30 s. */
  handshakeTimeout: number | undefined;
  versions: ReturnType<typeof versionOptions>;
}

async function parseOptions(argv: readonly string[], host: Pick<CliHost, 'readFile'>): Promise<ServeOptions> {
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
    timeout: { type: 'string' },
    ...VERSION_FLAGS,
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
  const alpn = flags.alpn?.split(',').map((s) => s.trim()).filter(Boolean);
  // --www answers one HTTP/1.x request: offering h2 (or anything else) would let a client pick a
  // protocol the page cannot be served over (curl with h2 then fails).
  const unanswerable = flags.www === true ? (alpn ?? []).filter((p) => p !== 'http/1.1' && p !== 'http/1.0') : [];
  if (unanswerable.length > 0) throw new ArgsError(`--www answers HTTP/1.1 only: --alpn may not offer ${unanswerable.join(', ')}`);
  const certificates: ServerCertificate[] = [];
  for (const [i, file] of certs.entries()) certificates.push({ chain: await readTextFile(host, '--cert', file), key: await readTextFile(host, '--key', keys[i]!) });
  return {
    host: flags.host ?? '127.0.0.1',
    port,
    certificates,
    alpn,
    mode: flags.www === true ? 'www' : flags.echo === true ? 'echo' : 'print',
    keylog: flags.keylog,
    trace: flags.trace === true,
    // --ca asks for client certificates (optional); --require-client-cert makes them mandatory.
    clientAuth: flags.ca === undefined ? undefined : { ca: await readTextFile(host, '--ca', flags.ca), required: flags['require-client-cert'] === true },
    handshakeTimeout: parseTimeout(flags.timeout),
    versions: versionOptions(flags['min-version'], flags['max-version']),
  };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `openssl s_server -www`'s page, smaller: what this connection negotiated. */
export function statusPage(p: NegotiatedParameters, peer: string): string {
  const resumed = p.resumed === true ? 'yes' : 'no';
  const rows: [string, string][] = [
    ['Protocol', p.version],
    ['Cipher suite', p.cipherSuite],
    ['Key exchange group', p.group],
    ['Signature scheme', p.signatureScheme],
    ['ALPN', p.alpn ?? 'none'],
    ['SNI', p.serverName ?? 'none'],
    ['HelloRetryRequest', p.helloRetry ? 'yes' : 'no'],
    ['Resumed', resumed],
    ...(p.extendedMasterSecret !== undefined ? ([['Extended master secret', p.extendedMasterSecret ? 'yes' : 'no']] as [string, string][]) : []),
    ['Client certificate', p.verifiedPath[0] ?? 'none'],
    ['Peer', peer],
  ];
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>rxtls serve</title></head>\n<body><h1>rxtls serve</h1>\n<table>\n${body}\n</table></body></html>\n`;
}

const encoder = new TextEncoder();

/** Bytes as ISO-8859-1 text (an HTTP request head). */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

/** Read one request head, answer with the status page in a single write (one record), then close_notify. */
async function serveWww(session: TlsSession, negotiated: NegotiatedParameters, peer: string, log: (line: string) => void): Promise<void> {
  let head = '';
  while (!head.includes('\r\n\r\n') && !head.includes('\n\n')) {
    if (head.length > MAX_REQUEST_HEAD) return;
    const chunk = await session.read();
    if (chunk === null) return session.shutdown();
    head += latin1(chunk);
  }
  const requestLine = head.split(/\r?\n/, 1)[0] ?? '';
  log(`${peer} ${requestLine}`);
  const body = encoder.encode(statusPage(negotiated, peer));
  const header = encoder.encode(`HTTP/1.0 200 ok\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  const response = new Uint8Array(header.length + body.length);
  response.set(header);
  response.set(body, header.length);
  await session.write(response);
  await session.shutdown();
  // Drain anything else until the client closes.
  while ((await session.read()) !== null);
}

/** Send back what arrives until the client's close_notify, then ours. */
async function serveEcho(session: TlsSession): Promise<void> {
  for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) await session.write(chunk);
  await session.shutdown();
}

/** Copy what arrives to stdout until the client's close_notify, then send ours. */
async function servePrint(session: TlsSession, stdout: (data: Uint8Array) => void): Promise<void> {
  for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) stdout(chunk);
  await session.shutdown();
}

/**
 * `rxtls serve`: a TLS 1.3 server like `openssl s_server`. Prints `ACCEPT host:port` on stderr
 * when listening and one line per connection; serves until `host.stopRequested()` resolves.
 * Returns the exit status (2 for a bad command line, 1 when the address cannot be bound).
 */
export async function serveCommand(argv: readonly string[], host: CliHost): Promise<number> {
  let options: ServeOptions;
  try {
    options = await parseOptions(argv, host);
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    host.stderr(`rxtls serve: ${err.message}`);
    host.stderr(SERVE_USAGE);
    return 2;
  }
  let context: TlsServerContext;
  try {
    const config: ServerConfig = {
      certificates: options.certificates,
      ...(options.alpn !== undefined ? { alpnProtocols: options.alpn } : {}),
      ...(options.clientAuth !== undefined ? { clientAuth: options.clientAuth } : {}),
      ...options.versions,
      ...(host.provider !== undefined ? { provider: host.provider } : {}),
    };
    context = new TlsServerContext(config);
  } catch (err) {
    host.stderr(`rxtls serve: ${describeError(err)}`);
    return 2;
  }

  const open = new Set<TlsSession>();
  const serveConnection = async (tcp: HostConnection): Promise<void> => {
    const peer = formatPeer(tcp.remoteAddress);
    const session = new TlsSession(context.connection(), tcp.port, options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout });
    open.add(session);
    // A connection we close at the end of serving fails as it goes: that is not worth a line.
    const report = (line: string): void => {
      if (open.has(session)) host.stderr(line);
    };
    if (options.keylog !== undefined) {
      const file = options.keylog;
      session.keylog$.subscribe((line) => host.appendFile(file, `${line}\n`));
    }
    if (options.trace) session.messages$.subscribe((m) => host.stderr(formatMessage(m)));
    try {
      let p: NegotiatedParameters;
      try {
        p = await session.handshake();
      } catch (err) {
        report(`${peer} handshake failed: ${describeFailure(err)}`);
        return;
      }
      host.stderr(`CONNECTION ${peer} sni=${p.serverName ?? '-'} suite=${p.cipherSuite} group=${p.group} alpn=${p.alpn ?? '-'}`);
      try {
        if (options.mode === 'www') await serveWww(session, p, peer, (line) => host.stderr(line));
        else if (options.mode === 'echo') await serveEcho(session);
        else await servePrint(session, (data) => host.stdout(data));
      } catch (err) {
        report(`${peer} error: ${describeFailure(err)}`);
      }
    } finally {
      open.delete(session);
      session.destroy();
    }
  };

  let listener: HostListener;
  try {
    listener = await host.tcpListen(options.host, options.port, (tcp) => void serveConnection(tcp));
  } catch (err) {
    host.stderr(`rxtls serve: cannot listen on ${options.host}:${options.port}: ${describeError(err)}`);
    return 1;
  }
  // Listen for the signals before saying we listen: whoever waits for ACCEPT may send one at once.
  const stopped = host.stopRequested();
  const { hostname, port } = listener.address;
  host.stderr(`ACCEPT ${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`);
  await stopped;
  listener.close();
  const sessions = [...open];
  open.clear();
  for (const session of sessions) session.destroy();
  return 0;
}
