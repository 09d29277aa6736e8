import { CONNECT_USAGE, connectCommand } from './connect-command.ts';
import type { CliHost } from './host.ts';
import { SERVE_USAGE, serveCommand } from './serve-command.ts';
import { VERIFY_USAGE, verifyCommand } from './verify.ts';

/** The commands and their flags, as `rxtls --help` prints them (each command's own usage line). */
export const USAGE = ['usage: rxtls <command> [options]', 'commands:', ...[CONNECT_USAGE, SERVE_USAGE, VERIFY_USAGE].map((line) => `  ${line.replace(/^usage: rxtls /, '')}`)].join('\n');

/** `rxtls <command> --help` (or `-h`) prints the command's usage on stdout and exits 0. */
const COMMAND_USAGE: Readonly<Record<string, string>> = { connect: CONNECT_USAGE, serve: SERVE_USAGE, verify: VERIFY_USAGE };

const encoder = new TextEncoder();

/**
 * Run `rxtls ARGV` (the arguments after the program name) on `host`; resolves with the exit
 * status: 0 success, 1 failure, 2 bad command line. An exception is a bug (the hosts exit 70).
 */
export async function runCli(argv: readonly string[], host: CliHost): Promise<number> {
  const [command, ...rest] = argv;
  const usage = command === undefined ? undefined : COMMAND_USAGE[command];
  if (usage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    host.stdout(encoder.encode(`${usage}\n`));
    return 0;
  }
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
