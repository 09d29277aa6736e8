// The part of Deno's API the benchmark uses, declared structurally (as src/deno-api.ts does for
// the transport) so that these files type-check both under `deno check` and under `tsc -b`,
// whose tsconfig.test.json takes in packages/*/bench without Deno's lib.

/** `Deno.Conn` (and `Deno.TlsConn`), as far as used here. */
export interface BenchConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}

/** `Deno.TlsConn`: the handshake runs on the first read or write, or on `handshake()`. */
export interface BenchTlsConn extends BenchConn {
  handshake(): Promise<unknown>;
}

/** `Deno.Listener` / `Deno.TlsListener` on TCP. */
export interface BenchListener<C> extends AsyncIterable<C> {
  readonly addr: { readonly port: number };
  accept(): Promise<C>;
  close(): void;
}

/** The `Deno` namespace, as far as used here. */
export interface BenchDeno {
  readonly args: readonly string[];
  readonly version: { readonly deno: string };
  exit(code: number): never;
  listen(options: { hostname: string; port: number }): BenchListener<BenchConn>;
  listenTls(options: { hostname: string; port: number; cert: string; key: string }): BenchListener<BenchTlsConn>;
  connectTls(options: { hostname: string; port: number; caCerts: string[] }): Promise<BenchTlsConn>;
}

/** A module Worker, as far as used here. */
export interface BenchWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** `globalThis.Deno`. */
export const deno = (globalThis as unknown as { Deno: BenchDeno }).Deno;

/** `new Worker(url, { type: 'module' })`. */
export function moduleWorker(url: URL): BenchWorker {
  const Worker = (globalThis as unknown as { Worker: new (url: URL, options: { type: 'module' }) => BenchWorker }).Worker;
  return new Worker(url, { type: 'module' });
}

/** Write all of `data` (a conn's `write` may take only part of it). */
export async function writeAll(conn: BenchConn, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length; ) at += await conn.write(data.subarray(at));
}
