/**
 * The `Deno` namespace as these tests use it, typed structurally (only what is used). The tests
 * run under Deno (vitest in Deno's workers) but are type-checked by the root `tsc -b` with
 * Node's types (tsconfig.test.json), where no `Deno` global is declared; a module-scoped
 * declaration cannot clash with anyone else's.
 */
import type { Addr, DenoListener, DenoTcpConn, NetAddr } from '../../src/low-level.ts';

export interface ChildStatus {
  readonly success: boolean;
  readonly code: number;
  readonly signal: string | null;
}

export interface ChildProcess {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly status: Promise<ChildStatus>;
  kill(signal?: string): void;
}

export interface CommandOptions {
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly stdin?: 'piped' | 'null' | 'inherit';
  readonly stdout?: 'piped' | 'null' | 'inherit';
  readonly stderr?: 'piped' | 'null' | 'inherit';
}

/** `Deno.TlsConn`, as far as the tests use it. */
export interface DenoTlsConn extends DenoTcpConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
}

export interface DenoTlsListener extends AsyncIterable<DenoTlsConn> {
  readonly addr: Addr;
  accept(): Promise<DenoTlsConn>;
  close(): void;
}

/** `Deno.Listener`, as far as the tests use it. */
export interface DenoTestListener extends DenoListener {
  accept(): Promise<DenoTcpConn>;
}

export interface DenoTestApi {
  readonly args: readonly string[];
  execPath(): string;
  readonly env: { get(name: string): string | undefined; set(name: string, value: string): void; delete(name: string): void };
  readonly Command: new (command: string, options?: CommandOptions) => {
    spawn(): ChildProcess;
    output(): Promise<ChildStatus & { stdout: Uint8Array; stderr: Uint8Array }>;
  };
  listen(options: { hostname?: string; port: number }): DenoTestListener;
  connect(options: { hostname?: string; port: number }): Promise<DenoTcpConn>;
  listenTls(options: { hostname?: string; port: number; cert: string; key: string; alpnProtocols?: string[] }): DenoTlsListener;
  connectTls(options: { hostname?: string; port: number; caCerts?: string[]; alpnProtocols?: string[]; cert?: string; key?: string }): Promise<DenoTlsConn>;
  makeTempDir(options?: { prefix?: string }): Promise<string>;
  readTextFile(path: string): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
  writeTextFile(path: string, data: string): Promise<void>;
  readDirSync(path: string): Iterable<{ name: string }>;
  readLinkSync(path: string): string;
  readTextFileSync(path: string): string;
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  stat(path: string): Promise<{ mode: number | null }>;
  readonly internal: symbol;
}

/** Whether these tests run under Deno (they are written for it; vitest under Node would fail them all). */
export const onDeno = typeof (globalThis as { Deno?: unknown }).Deno === 'object';

/** `globalThis.Deno`, typed for the tests. */
export const Deno = (globalThis as unknown as { Deno: DenoTestApi }).Deno;

/** The port of a listener bound to TCP. */
export function portOf(addr: Addr | undefined): number {
  if (addr === undefined || !('port' in addr)) throw new Error(`not a TCP address: ${JSON.stringify(addr)}`);
  return (addr as NetAddr).port;
}

/** Deno's resource table (`Deno.resources()` is gone in Deno 2; this is what `deno test`'s sanitizer reads). */
export function resources(): Record<string, string> {
  const internal = (Deno as unknown as Record<symbol, { core: { resources(): Record<string, string> } }>)[Deno.internal];
  return internal!.core.resources();
}

/** How many resources of `kind` ('tcpStream', 'tcpListener', ...) are open. */
export function countResources(kind: string): number {
  return Object.values(resources()).filter((k) => k === kind).length;
}
