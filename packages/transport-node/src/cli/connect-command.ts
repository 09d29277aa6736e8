import { appendFileSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { TlsError, TransportError, type CipherSuiteName, type KeyExchangeGroup } from '@rxtls/core';
import { openTlsSession } from '../connect.ts';
import { ArgsError, parseFlags } from './args.ts';
import { formatMessage, formatParameters, formatStep } from './timeline.ts';

/** Where the command writes and reads: real streams in the CLI, fakes in tests. */
export interface ConnectIo {
  stdout(data: Uint8Array): void;
  stderr(line: string): void;
  stdin: AsyncIterable<Uint8Array>;
}

const USAGE = 'usage: rxtls connect HOST:PORT [--servername N] [--ca FILE] [--cert FILE --key FILE] [--alpn a,b] [--groups g1,g2] [--ciphers s1,s2] [--insecure] [--keylog FILE] [--trace]';

const GROUP_ALIASES: Record<string, KeyExchangeGroup> = {
  x25519: 'x25519',
  secp256r1: 'secp256r1',
  'p-256': 'secp256r1',
  prime256v1: 'secp256r1',
  secp384r1: 'secp384r1',
  'p-384': 'secp384r1',
};
const SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];


/** `HOST:PORT`, `[v6]:PORT`. */
export function parseHostPort(target: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(target) ?? /^([^:]+):(\d+)$/.exec(target);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new ArgsError(`bad HOST:PORT "${target}"`);
  return { host: m[1]!, port };
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseOptions(argv: readonly string[]) {
  const { flags: values, positionals } = parseFlags(
    argv,
    {
      servername: { type: 'string' },
      ca: { type: 'string' },
      alpn: { type: 'string' },
      groups: { type: 'string' },
      ciphers: { type: 'string' },
      insecure: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      keylog: { type: 'string' },
      trace: { type: 'boolean' },
    } as const,
    { allowPositionals: true },
  );
  if (positionals.length !== 1) throw new ArgsError('expected exactly one HOST:PORT');
  if ((values.cert === undefined) !== (values.key === undefined)) throw new ArgsError('--cert and --key go together');
  const groups = list(values.groups)?.map((g) => {
    const group = GROUP_ALIASES[g.toLowerCase()];
    if (!group) throw new ArgsError(`unknown group "${g}" (x25519, secp256r1, secp384r1)`);
    return group;
  });
  const ciphers = list(values.ciphers)?.map((c) => {
    const suite = SUITES.find((s) => s === c.toUpperCase());
    if (!suite) throw new ArgsError(`unknown cipher suite "${c}" (${SUITES.join(', ')})`);
    return suite;
  });
  return { target: parseHostPort(positionals[0]!), values, groups, ciphers };
}

/**
 * `rxtls connect`: handshake, print the timeline and parameters on stderr, then copy stdin
 * to the connection and the connection to stdout (like `openssl s_client -quiet`). When stdin
 * ends, send close_notify and keep printing until the server closes. Exit 0 on a clean close.
 */
export async function connectCommand(argv: readonly string[], io: ConnectIo): Promise<number> {
  let opts: ReturnType<typeof parseOptions>;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    io.stderr(`rxtls connect: ${err.message}`);
    io.stderr(USAGE);
    return 2;
  }
  const { target, values, groups, ciphers } = opts;
  let ca: string | readonly string[];
  try {
    ca = values.ca !== undefined ? readFileSync(values.ca, 'utf8') : rootCertificates;
  } catch (err) {
    io.stderr(`rxtls connect: cannot read --ca: ${(err as Error).message}`);
    return 2;
  }

  let session;
  try {
    session = await openTlsSession({
      host: target.host,
      port: target.port,
      servername: values.servername ?? target.host,
      ...(values.insecure ? { dangerouslyDisableCertificateVerification: true } : { ca }),
      ...(list(values.alpn) ? { alpnProtocols: list(values.alpn)! } : {}),
      ...(groups ? { groups } : {}),
      ...(ciphers ? { cipherSuites: ciphers } : {}),
      ...(values.cert !== undefined && values.key !== undefined ? { certificate: { chain: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } } : {}),
    });
  } catch (err) {
    io.stderr(`rxtls connect: cannot connect to ${target.host}:${target.port}: ${(err as Error).message}`);
    return 1;
  }

  const start = performance.timeOrigin + performance.now();
  session.handshake$.subscribe({ next: (e) => io.stderr(formatStep(e, start)), error: () => undefined });
  if (values.trace) session.messages$.subscribe((m) => io.stderr(formatMessage(m)));
  if (values.keylog) {
    const file = values.keylog;
    session.keylog$.subscribe((line) => appendFileSync(file, `${line}\n`, { mode: 0o600 }));
  }
  if (values.insecure) io.stderr('WARNING: certificate verification is disabled (--insecure)');

  try {
    const parameters = await session.handshake();
    for (const line of formatParameters(parameters)) io.stderr(line);
    io.stderr('---');
    const pump = (async () => {
      for await (const chunk of io.stdin) await session.write(chunk);
      await session.shutdown();
    })();
    for (;;) {
      const data = await session.read();
      if (data === null) break;
      io.stdout(data);
    }
    await pump.catch(() => undefined);
    session.destroy();
    io.stderr('closed: server sent close_notify');
    return 0;
  } catch (err) {
    session.destroy();
    io.stderr(`rxtls connect: ${describeFailure(err)}`);
    return 1;
  }
}

function describeFailure(err: unknown): string {
  if (err instanceof TlsError) return `${err.message} (alert ${err.alertName}${err.origin === 'peer' ? ' from peer' : ' sent'})`;
  if (err instanceof TransportError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
