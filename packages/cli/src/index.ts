// Public surface of @rxtls/cli. Re-exports only.
export { runCli, USAGE } from './cli.ts';
export type { CliHost, HostAddress, HostConnection, HostListener } from './host.ts';
export { formatPeer } from './host.ts';
export { describeError, describeFailure, systemErrorText } from './errors.ts';
export { connectCommand, parseHostPort } from './connect-command.ts';
export { serveCommand, statusPage, SERVE_USAGE } from './serve-command.ts';
export { verifyCommand, type VerifyHost } from './verify.ts';
export { ArgsError, parseFlags, type FlagSpec, type FlagSpecs, type ParsedFlags } from './args.ts';
export { formatParameters, formatStep } from './timeline.ts';
