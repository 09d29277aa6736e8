import { UsageError } from '@rxtls/core';

/** A network address as Deno reports it (`Deno.NetAddr`). */
export interface NetAddr {
  readonly transport: string;
  readonly hostname: string;
  readonly port: number;
}

/**
 * The part of `Deno.Conn` the transport uses. Declared structurally so that this package
 * type-checks under `tsc` (without Deno's lib) as well as under `deno check`.
 */
export interface DenoConn {
  /** Reads into `p`; the byte count, or `null` at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes some of `p` (maybe not all); the byte count. */
  write(p: Uint8Array): Promise<number>;
  /** Half-close: sends FIN, keeps reading. */
  closeWrite(): Promise<void>;
  close(): void;
  readonly localAddr: NetAddr | { readonly transport: string };
  readonly remoteAddr: NetAddr | { readonly transport: string };
}

/** `Deno.TcpConn`: a {@link DenoConn} with the TCP knobs. */
export interface DenoTcpConn extends DenoConn {
  setNoDelay(noDelay?: boolean): void;
}

/** The part of `Deno.Listener` the transport uses. */
export interface DenoListener extends AsyncIterable<DenoTcpConn> {
  readonly addr: NetAddr | { readonly transport: string };
  close(): void;
}

/** The part of the `Deno` namespace the transport uses. */
export interface DenoNet {
  connect(options: { hostname?: string; port: number; transport?: 'tcp' }): Promise<DenoTcpConn>;
  listen(options: { hostname?: string; port: number; transport?: 'tcp' }): DenoListener;
}

/** `globalThis.Deno`, or a UsageError when not running on Deno. */
export function denoNet(): DenoNet {
  const deno = (globalThis as { Deno?: DenoNet }).Deno;
  if (deno === undefined || typeof deno.connect !== 'function') throw new UsageError('@rxtls/transport-deno runs on Deno (no Deno global here)');
  return deno;
}
