import { connectCommand } from './connect-command.ts';
import type { CliHost } from './host.ts';
import { serveCommand } from './serve-command.ts';
import { verifyCommand } from './verify.ts';

/** The commands and their flags, as `rxtls --help` prints them. */
export const USAGE = `usage: rxtls <command> [options]
commands:
  connect HOST:PORT [--servername N] [--ca FILE] [--cert FILE --key FILE] [--alpn a,b] [--groups g1,g2] [--ciphers s1,s2] [--insecure] [--keylog FILE] [--trace]
  serve [--host ADDR] --port P --cert FILE --key FILE [--cert FILE --key FILE ...] [--alpn a,b] [--ca FILE --require-client-cert] [--www | --echo] [--keylog FILE] [--trace]
  verify --ca ROOTS.pem [--untrusted INTERMEDIATES.pem] --chain LEAF.pem [--host NAME | --ip ADDR] [--time ISO8601] [--purpose serverAuth]`;

const encoder = new TextEncoder();

/**
 * Run `rxtls ARGV` (the arguments after the program name) on `host`; resolves with the exit
 * status: 0 success, 1 failure, 2 bad command line. An exception is a bug (the hosts exit 70).
 */
export async function runCli(argv: readonly string[], host: CliHost): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'connect':
      return connectCommand(rest, host);
    case 'serve':
      return serveCommand(rest, host);
    case 'verify':
      return verifyCommand(rest, host);
    case undefined:
    case '-h':
    case '--help':
      host.stdout(encoder.encode(`${USAGE}\n`));
      return command === undefined ? 2 : 0;
    default:
      host.stderr(`rxtls: unknown command "${command}"`);
      host.stderr(USAGE);
      return 2;
  }
}
