#!/usr/bin/env node
// `rxtls` on Node: the runtime-neutral CLI of @rxtls/cli on the Node host.
import { runCli } from '@rxtls/cli';
import { nodeHost } from './host.ts';

/** Exit once what was written to stdout and stderr has been handed to the OS. */
function exit(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

runCli(process.argv.slice(2), nodeHost()).then(exit, (err: unknown) => {
  process.stderr.write(`rxtls: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  exit(70);
});
