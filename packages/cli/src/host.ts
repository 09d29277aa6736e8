import type { CryptoProvider, ReadinessPort } from '@rxtls/core';

/** One end of a TCP connection. */
export interface HostAddress {
  /** An IPv4 or IPv6 address (no brackets), or a name. */
  readonly hostname: string;
  readonly port: number;
}

/** An open TCP connection (Nagle off), as the readiness port the TLS session runs over. */
export interface HostConnection {
  readonly port: ReadinessPort;
  readonly localAddress: HostAddress;
  readonly remoteAddress: HostAddress;
}

/** A listening TCP socket. */
export interface HostListener {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: HostAddress;
  /** Stop accepting; open connections are the caller's to close. */
  close(): void;
}

/**
 * What the commands need from the runtime: files, standard streams, TCP, signals and the
 * default trust store. Node's host is in `@rxtls/transport-node` (`src/cli/`), Deno's in
 * `@rxtls/transport-deno` (`src/cli/`); tests pass their own. A failing operation throws or
 * rejects with the runtime's error; the commands word it through `describeError` (both
 * runtimes put the POSIX name, `ENOENT`..., in the error's `code`).
 */
export interface CliHost {
  /** A file's contents. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Append text to a file, creating it with mode 0600 (key logs hold secrets). Synchronous,
   * so that lines stay in order and are on disk when the command returns.
   */
  appendFile(path: string, text: string): void;
  /** Write bytes to standard output, in order (the host may keep `data` until written). */
  stdout(data: Uint8Array): void;
  /** Write one line (without its newline) to standard error. */
  stderr(line: string): void;
  /** Standard input, read on demand: only `connect` asks for it. */
  stdin(): AsyncIterable<Uint8Array>;
  /** Open a TCP connection. */
  tcpConnect(host: string, port: number): Promise<HostConnection>;
  /** Listen on TCP and hand over every accepted connection. Rejects when the address cannot be bound. */
  tcpListen(host: string, port: number, onConnection: (connection: HostConnection) => void): Promise<HostListener>;
  /** Resolves when the user asks the process to stop (SIGINT, SIGTERM). Only `serve` asks, so Ctrl-C stops the other commands at once. */
  stopRequested(): Promise<void>;
  /** The trust anchors `connect` uses without `--ca` (PEM or DER). */
  defaultTrustAnchors(): Promise<string | Uint8Array | readonly (string | Uint8Array)[]>;
  /** The crypto provider `connect` and `serve` use (default: core's, noble). */
  readonly provider?: CryptoProvider;
}

/** `host:port`, the way Node prints a peer (no brackets around IPv6). */
export function formatPeer(address: HostAddress): string {
  return `${address.hostname}:${address.port}`;
}
