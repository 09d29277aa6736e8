#!/usr/bin/env node
import { connectCommand } from './connect-command.ts';
import { serveCommand } from './serve-command.ts';
import { verifyCommand } from './verify.ts';

const USAGE = `usage: rxtls <command> [options]
commands:
  connect HOST:PORT [--servername N] [--ca FILE] [--cert FILE --key FILE] [--alpn a,b] [--groups g1,g2] [--ciphers s1,s2] [--insecure] [--keylog FILE] [--trace]
  serve [--host ADDR] --port P --cert FILE --key FILE [--cert FILE --key FILE ...] [--alpn a,b] [--ca FILE --require-client-cert] [--www | --echo] [--keylog FILE] [--trace]
  verify --ca ROOTS.pem [--untrusted INTERMEDIATES.pem] --chain LEAF.pem [--host NAME | --ip ADDR] [--time ISO8601] [--purpose serverAuth]`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const stderr = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  switch (command) {
    case 'connect':
      return connectCommand(rest, {
        stdout: (data) => process.stdout.write(data),
        stderr,
        stdin: process.stdin,
      });
    case 'serve':
      return serveCommand(rest, {
        stdout: (data) => process.stdout.write(data),
        stderr,
        stopped: new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        }),
      });
    case 'verify':
      return verifyCommand(rest, { stdout: (s) => process.stdout.write(`${s}\n`), stderr });
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      stderr(`rxtls: unknown command "${command}"`);
      stderr(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`rxtls: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
