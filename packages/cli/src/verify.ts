/**
 * `rxtls verify`: check a certificate chain with the very `verifyCertificateChain` the
 * handshake uses, like `openssl verify`.
 *
 * Exit status: 0 valid, 1 invalid (the reason and the alert the handshake would send), 2 usage
 * error (unknown flag, missing --ca/--chain, both --host and --ip, bad --time, unreadable file,
 * a trust anchor that does not parse).
 */
import {
  CertificateError,
  loadCertificates,
  nobleProvider,
  parseIpAddress,
  UsageError,
  verifyCertificateChain,
  type CryptoProvider,
  type ParsedCertificate,
} from '@rxtls/core';
import { ArgsError, parseFlags } from './args.ts';
import { describeError } from './errors.ts';
import type { CliHost } from './host.ts';

/** What `verify` needs of the host. */
export type VerifyHost = Pick<CliHost, 'readFile' | 'stdout' | 'stderr'>;

const encoder = new TextEncoder();

/** An IPv4 or IPv6 address in text form (no brackets), as `--ip` takes it. */
const isIpAddress = (text: string): boolean => !text.startsWith('[') && parseIpAddress(text) !== undefined;

export const VERIFY_USAGE =
  'usage: rxtls verify --ca ROOTS.pem [--untrusted INTERMEDIATES.pem] --chain LEAF.pem [--host NAME | --ip ADDR] [--time ISO8601] [--purpose serverAuth|clientAuth|any]';

const FLAGS = {
  ca: { type: 'string', multiple: true },
  untrusted: { type: 'string', multiple: true },
  chain: { type: 'string' },
  host: { type: 'string' },
  ip: { type: 'string' },
  time: { type: 'string' },
  purpose: { type: 'string' },
  help: { type: 'boolean' },
} as const;

interface VerifyRequest {
  readonly caFiles: readonly string[];
  readonly untrustedFiles: readonly string[];
  readonly chainFile: string;
  readonly host: string | undefined;
  readonly now: Date | undefined;
  readonly purpose: 'serverAuth' | 'clientAuth' | undefined;
}

function parseRequest(argv: readonly string[]): VerifyRequest | 'help' {
  const { flags } = parseFlags(argv, FLAGS);
  if (flags.help === true) return 'help';
  if (flags.ca === undefined) throw new ArgsError('--ca is required');
  if (flags.chain === undefined) throw new ArgsError('--chain is required');
  if (flags.host !== undefined && flags.ip !== undefined) throw new ArgsError('give --host or --ip, not both');
  if (flags.ip !== undefined && !isIpAddress(flags.ip)) throw new ArgsError(`--ip "${flags.ip}" is not an IPv4 or IPv6 address`);
  if (flags.host !== undefined && flags.host === '') throw new ArgsError('--host is empty');
  let now: Date | undefined;
  if (flags.time !== undefined) {
    now = new Date(flags.time);
    if (!/^\d{4}-\d{2}-\d{2}/.test(flags.time) || Number.isNaN(now.getTime())) throw new ArgsError(`--time "${flags.time}" is not an ISO 8601 date`);
  }
  const purposeFlag = flags.purpose ?? 'serverAuth';
  if (purposeFlag !== 'serverAuth' && purposeFlag !== 'clientAuth' && purposeFlag !== 'any') {
    throw new ArgsError(`--purpose "${purposeFlag}" must be serverAuth, clientAuth or any`);
  }
  return {
    caFiles: flags.ca,
    untrustedFiles: flags.untrusted ?? [],
    chainFile: flags.chain,
    host: flags.host ?? flags.ip,
    now,
    purpose: purposeFlag === 'any' ? undefined : purposeFlag,
  };
}

/** Certificates of the files, or an `ArgsError` naming the file that cannot be read. */
async function readCertificates(host: VerifyHost, files: readonly string[], flag: string): Promise<Uint8Array[]> {
  const certificates: Uint8Array[] = [];
  for (const file of files) {
    try {
      certificates.push(...loadCertificates(await host.readFile(file)));
    } catch (e) {
      throw new ArgsError(`${flag} ${file}: ${describeError(e)}`);
    }
  }
  return certificates;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function describePath(path: readonly ParsedCertificate[]): string[] {
  return path.map((cert, i) => {
    const role = i === 0 ? (path.length === 1 ? 'leaf, trust anchor' : 'leaf') : i === path.length - 1 ? 'trust anchor' : 'intermediate';
    return `  ${i} ${cert.subject} [${role}] valid ${day(cert.notBefore)}..${day(cert.notAfter)}`;
  });
}

/**
 * Run `rxtls verify` with `argv` (the arguments after `verify`). `deps.provider` replaces the
 * default noble crypto provider (tests use it to cross-check).
 */
export async function verifyCommand(argv: readonly string[], host: VerifyHost, deps: { readonly provider?: CryptoProvider } = {}): Promise<number> {
  const io = { stdout: (line: string) => host.stdout(encoder.encode(`${line}\n`)), stderr: (line: string) => host.stderr(line) };
  let request: VerifyRequest | 'help';
  let anchors: Uint8Array[];
  let untrusted: Uint8Array[];
  try {
    request = parseRequest(argv);
    if (request === 'help') {
      io.stdout(VERIFY_USAGE);
      return 0;
    }
    anchors = await readCertificates(host, request.caFiles, '--ca');
    untrusted = await readCertificates(host, request.untrustedFiles, '--untrusted');
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    io.stderr(`rxtls verify: ${e.message}`);
    io.stderr(VERIFY_USAGE);
    return 2;
  }

  let chain: Uint8Array[];
  try {
    chain = loadCertificates(await host.readFile(request.chainFile));
  } catch (e) {
    if (e instanceof CertificateError) {
      io.stderr(`rxtls verify: ${request.chainFile}: FAILED: ${e.message} (alert ${e.alertName}, ${e.failure})`);
      return 1;
    }
    io.stderr(`rxtls verify: --chain ${request.chainFile}: ${describeError(e)}`);
    io.stderr(VERIFY_USAGE);
    return 2;
  }

  try {
    const result = await verifyCertificateChain(chain, {
      trustAnchors: anchors,
      intermediates: untrusted,
      provider: deps.provider ?? nobleProvider,
      ...(request.host !== undefined ? { host: request.host } : {}),
      ...(request.now !== undefined ? { now: request.now } : {}),
      ...(request.purpose !== undefined ? { purpose: request.purpose } : {}),
    });
    io.stdout(`${request.chainFile}: OK (${result.path.length} certificate${result.path.length === 1 ? '' : 's'} in the path)`);
    for (const line of describePath(result.path)) io.stdout(line);
    if (request.host !== undefined) io.stdout(`  ${isIpAddress(request.host) ? 'IP' : 'host'} ${request.host} matches`);
    if (request.purpose !== undefined) io.stdout(`  purpose ${request.purpose} allowed`);
    return 0;
  } catch (e) {
    if (e instanceof CertificateError) {
      io.stderr(`rxtls verify: ${request.chainFile}: FAILED: ${e.message} (alert ${e.alertName}, ${e.failure})`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.stderr(`rxtls verify: ${e.message}`);
      io.stderr(VERIFY_USAGE);
      return 2;
    }
    throw e;
  }
}
