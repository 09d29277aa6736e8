import { UsageError } from '@rxtls/core';

/** A network address as Deno reports it (`Deno.NetAddr`). */
export interface NetAddr {
  readonly transport: string;
  readonly hostname: string;
  readonly port: number;
}

/** Any address Deno reports (`Deno.Addr`: a `NetAddr`, a Unix path, ...). */
export type Addr = NetAddr | { readonly transport: string };

/**
 * The connection the transport runs over: a `Deno.Conn` (TCP, Unix socket, a `Deno.TlsConn`
 * for TLS in TLS) or any object with the same `read`/`write`/`close`. Declared structurally
 * so that this package type-checks under `tsc` (without Deno's lib) as well as under
 * `deno check`, and so that tests can hand in a fake.
 */
export interface DenoConn {
  /** Reads into `p`; the byte count, or `null` at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes some of `p` (maybe not all); the byte count. */
  write(p: Uint8Array): Promise<number>;
  close(): void;
  /** Half-close (TCP FIN), reading goes on. Without it, the write side ends when the conn is closed. */
  closeWrite?(): Promise<void>;
  readonly localAddr?: Addr;
  readonly remoteAddr?: Addr;
  /** `Deno.TcpConn`: TCP_NODELAY. */
  setNoDelay?(noDelay?: boolean): void;
  /** `Deno.TcpConn`: SO_KEEPALIVE. */
  setKeepAlive?(keepAlive?: boolean): void;
  /** Make the conn keep the process alive (the default), or not. */
  ref?(): void;
  unref?(): void;
}

/** `Deno.TcpConn`: a {@link DenoConn} with its addresses, half-close and the TCP knobs. */
export interface DenoTcpConn extends DenoConn {
  closeWrite(): Promise<void>;
  setNoDelay(noDelay?: boolean): void;
  readonly localAddr: Addr;
  readonly remoteAddr: Addr;
}

/** The part of `Deno.Listener` the transport uses. */
export interface DenoListener extends AsyncIterable<DenoTcpConn> {
  readonly addr: Addr;
  close(): void;
}

/** The part of the `Deno` namespace the transport uses for networking. */
export interface DenoNet {
  connect(options: { hostname?: string; port: number; transport?: 'tcp' }): Promise<DenoTcpConn>;
  listen(options: { hostname?: string; port: number; transport?: 'tcp' }): DenoListener;
}

/** The part of the `Deno` namespace the key log file needs (`SSLKEYLOGFILE`). */
export interface DenoFiles {
  readonly env: { get(name: string): string | undefined };
  readonly permissions: { querySync(descriptor: { name: 'env'; variable: string } | { name: 'write'; path: string }): { state: string } };
  writeTextFileSync(path: string, data: string, options: { append: boolean; mode: number }): void;
}

function deno<T>(member: string): T {
  const value = (globalThis as { Deno?: Record<string, unknown> }).Deno;
  if (value === undefined || value[member] === undefined) throw new UsageError('@rxtls/transport-deno runs on Deno (no Deno global here)');
  return value as T;
}

/** `globalThis.Deno` for networking, or a UsageError when not running on Deno. */
export function denoNet(): DenoNet {
  return deno<DenoNet>('connect');
}

/** `globalThis.Deno` for files and environment, or a UsageError when not running on Deno. */
export function denoFiles(): DenoFiles {
  return deno<DenoFiles>('writeTextFileSync');
}
