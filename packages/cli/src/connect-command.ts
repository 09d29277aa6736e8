import { TLS12_CIPHER_SUITES, TlsClientContext, TlsSession, formatMessage, type CipherSuite12Name, type CipherSuiteName, type ClientConfig, type KeyExchangeGroup } from '@rxtls/core';
import { VERSION_FLAGS, versionOptions } from './versions.ts';
import { ArgsError, parseFlags } from './args.ts';
import { describeError, describeFailure } from './errors.ts';
import type { CliHost } from './host.ts';
import { formatParameters, formatStep } from './timeline.ts';

export const CONNECT_USAGE = 'usage: rxtls connect HOST:PORT [--servername N] [--ca FILE] [--cert FILE --key FILE] [--alpn a,b] [--groups g1,g2] [--ciphers s1,s2] [--min-version V] [--max-version V] [--insecure] [--keylog FILE] [--trace] [--timeout SECONDS]';

const GROUP_ALIASES: Record<string, KeyExchangeGroup> = {
  x25519: 'x25519',
  secp256r1: 'secp256r1',
  'p-256': 'secp256r1',
  prime256v1: 'secp256r1',
  secp384r1: 'secp384r1',
  'p-384': 'secp384r1',
};
const SUITES: readonly (CipherSuiteName | CipherSuite12Name)[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', ...TLS12_CIPHER_SUITES.map((s) => s.name as CipherSuite12Name)];

/** A suite by its IANA name or (TLS 1.2) OpenSSL's (`ECDHE-RSA-AES128-GCM-SHA256`), any case. */
function suiteNamed(name: string): CipherSuiteName | CipherSuite12Name | undefined {
  const upper = name.toUpperCase();
  return SUITES.find((s) => s === upper) ?? (TLS12_CIPHER_SUITES.find((s) => s.opensslName === upper)?.name as CipherSuite12Name | undefined);
}

const decoder = new TextDecoder();

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
      timeout: { type: 'string' },
      ...VERSION_FLAGS,
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
    const suite = suiteNamed(c);
    if (!suite) throw new ArgsError(`unknown cipher suite "${c}" (${SUITES.join(', ')})`);
    return suite;
  });
  const versions = versionOptions(values['min-version'], values['max-version']);
  return { target: parseHostPort(positionals[0]!), values, groups, ciphers, versions, handshakeTimeout: parseTimeout(values.timeout) };
}

/**
 * `--timeout SECONDS` as the handshake timeout in milliseconds (0: none), or undefined for
 * core's default (`DEFAULT_HANDSHAKE_TIMEOUT_MS`, 30 s).
 */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new ArgsError(`bad --timeout "${value}" (seconds, 0 for none)`);
  return Math.round(seconds * 1000);
}

/** A file's text, or an `ArgsError` naming the flag and file. */
export async function readTextFile(host: Pick<CliHost, 'readFile'>, flag: string, file: string): Promise<string> {
  try {
    return decoder.decode(await host.readFile(file));
  } catch (err) {
    throw new ArgsError(`cannot read ${flag} ${file}: ${describeError(err)}`);
  }
}

/** The host's default trust store, or an `ArgsError` asking for `--ca`. */
async function defaultTrustAnchors(host: CliHost): Promise<NonNullable<ClientConfig['ca']>> {
  try {
    return await host.defaultTrustAnchors();
  } catch (err) {
    throw new ArgsError(`no default trust anchors (${describeError(err)}): give --ca FILE`);
  }
}

/** A TCP connection to `target` and a client session over it; the handshake starts at `session.handshake()`. */
async function openSession(host: CliHost, target: { host: string; port: number }, serverName: string, config: ClientConfig, handshakeTimeout: number | undefined): Promise<TlsSession> {
  const context = new TlsClientContext(config);
  const tcp = await host.tcpConnect(target.host, target.port);
  return new TlsSession(context.connection({ serverName }), tcp.port, handshakeTimeout === undefined ? {} : { handshakeTimeout });
}

/** How long, at most, our close_notify may take to go out once the server has closed. */
const CLOSE_GRACE_MS = 1000;

/**
 * `rxtls connect`: handshake, print the timeline and parameters on stderr, then copy stdin
 * to the connection and the connection to stdout (like `openssl s_client -quiet`). When stdin
 * ends, send close_notify and keep printing until the server closes. When the server closes
 * first, exit at once, stdin open or not (as `s_client -quiet`): 0 after its close_notify,
 * 1 on a truncation or an error.
 */
export async function connectCommand(argv: readonly string[], host: CliHost): Promise<number> {
  let opts: ReturnType<typeof parseOptions>;
  let config: ClientConfig;
  try {
    opts = parseOptions(argv);
    const { values, groups, ciphers, versions } = opts;
    const alpn = list(values.alpn);
    config = {
      ...(values.insecure
        ? { dangerouslyDisableCertificateVerification: true }
        : { ca: values.ca !== undefined ? await readTextFile(host, '--ca', values.ca) : await defaultTrustAnchors(host) }),
      ...(alpn ? { alpnProtocols: alpn } : {}),
      ...(groups ? { groups } : {}),
      ...(ciphers ? { cipherSuites: ciphers } : {}),
      ...versions,
      ...(host.provider !== undefined ? { provider: host.provider } : {}),
      ...(values.cert !== undefined && values.key !== undefined
        ? { certificate: { chain: await readTextFile(host, '--cert', values.cert), key: await readTextFile(host, '--key', values.key) } }
        : {}),
    };
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    host.stderr(`rxtls connect: ${err.message}`);
    host.stderr(CONNECT_USAGE);
    return 2;
  }
  const { target, values, handshakeTimeout } = opts;

  let session: TlsSession;
  try {
    session = await openSession(host, target, values.servername ?? target.host, config, handshakeTimeout);
  } catch (err) {
    host.stderr(`rxtls connect: cannot connect to ${target.host}:${target.port}: ${describeError(err)}`);
    return 1;
  }

  const start = performance.timeOrigin + performance.now();
  session.handshake$.subscribe({ next: (e) => host.stderr(formatStep(e, start)), error: () => undefined });
  if (values.trace) session.messages$.subscribe((m) => host.stderr(formatMessage(m)));
  if (values.keylog) {
    const file = values.keylog;
    session.keylog$.subscribe((line) => host.appendFile(file, `${line}\n`));
  }
  if (values.insecure) host.stderr('WARNING: certificate verification is disabled (--insecure)');

  try {
    const parameters = await session.handshake();
    for (const line of formatParameters(parameters)) host.stderr(line);
    host.stderr('---');
    let stdinDone = false;
    const pump = (async () => {
      for await (const chunk of host.stdin()) await session.write(chunk);
      stdinDone = true;
      await session.shutdown();
    })();
    pump.catch(() => undefined); // a write that fails is reported by the read side
    for (;;) {
      const data = await session.read();
      if (data === null) break;
      host.stdout(data);
    }
    // The server closed while stdin is still open: answer its close_notify and go.
    if (!stdinDone) await Promise.race([session.shutdown().catch(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS))]);
    else await pump.catch(() => undefined);
    session.destroy();
    host.stderr('closed: server sent close_notify');
    return 0;
  } catch (err) {
    session.destroy();
    host.stderr(`rxtls connect: ${describeFailure(err)}`);
    return 1;
  }
}
