import type { CliHost, HostAddress, HostConnection } from '@rxtls/cli';
import { webCryptoProvider } from '@rxtls/core';
import { DenoReadiness } from '../deno-readiness.ts';
import type { Addr, DenoNet, DenoTcpConn } from '../deno-api.ts';

/**
 * The part of the `Deno` namespace the CLI uses. Declared structurally (as `deno-api.ts`
 * does for the transport), so that the package type-checks under `tsc` without Deno's lib.
 */
interface DenoCliApi extends DenoNet {
  readonly args: readonly string[];
  readFile(path: string): Promise<Uint8Array>;
  writeTextFileSync(path: string, data: string, options: { append: boolean; mode: number }): void;
  readonly stdin: { readonly readable: AsyncIterable<Uint8Array> };
  readonly stdout: { write(p: Uint8Array): Promise<number> };
  readonly stderr: { writeSync(p: Uint8Array): number };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  removeSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
}

/** `globalThis.Deno`. */
export function denoGlobal(): DenoCliApi {
  const deno = (globalThis as { Deno?: DenoCliApi }).Deno;
  if (deno === undefined) throw new Error('rxtls-deno runs on Deno (no Deno global here)');
  return deno;
}

/**
 * Where the system keeps its PEM bundle of trusted roots (the list Go's crypto/x509 reads on
 * Linux and the BSDs, then macOS's Homebrew/LibreSSL file). Deno's own roots (webpki's Mozilla
 * list) are not exposed to JavaScript.
 */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

const encoder = new TextEncoder();

function address(addr: Addr): HostAddress {
  return 'hostname' in addr ? { hostname: addr.hostname, port: addr.port } : { hostname: addr.transport, port: 0 };
}

/** The readiness port and the addresses of a connected socket, Nagle off. */
function hostConnection(tcp: DenoTcpConn): HostConnection {
  tcp.setNoDelay(true);
  return { port: new DenoReadiness(tcp), localAddress: address(tcp.localAddr), remoteAddress: address(tcp.remoteAddr) };
}

/** Deno says "failed to lookup address information" without a code; Node calls it ENOTFOUND. */
function withCode(err: unknown): unknown {
  if (err instanceof Error && (err as { code?: unknown }).code === undefined && /failed to lookup address/.test(err.message)) {
    return Object.assign(new Error(err.message, { cause: err }), { code: 'ENOTFOUND' });
  }
  return err;
}

/**
 * The CLI's host on Deno: `Deno.readFile`, `Deno.stdin.readable`, `Deno.stdout`,
 * `Deno.connect` / `Deno.listen` through {@link DenoReadiness}, `Deno.addSignalListener`, and
 * the system's root bundle as the default trust store. `flush()` resolves once everything
 * given to `stdout` is written (call it before `Deno.exit`).
 */
export function denoHost(deno: DenoCliApi = denoGlobal()): { host: CliHost; flush: () => Promise<void> } {
  // stdout is written asynchronously, in order; a failed write (a closed pipe) drops the rest.
  let written: Promise<void> = Promise.resolve();
  let stdoutFailed = false;
  const writeOut = async (data: Uint8Array): Promise<void> => {
    if (stdoutFailed) return;
    try {
      for (let at = 0; at < data.length; ) at += await deno.stdout.write(data.subarray(at));
    } catch {
      stdoutFailed = true;
    }
  };
  const host: CliHost = {
    readFile: (path) => deno.readFile(path),
    appendFile: (path, text) => deno.writeTextFileSync(path, text, { append: true, mode: 0o600 }),
    stdout: (data) => {
      written = written.then(() => writeOut(data));
    },
    stderr: (line) => {
      const bytes = encoder.encode(`${line}\n`);
      for (let at = 0; at < bytes.length; ) at += deno.stderr.writeSync(bytes.subarray(at));
    },
    stdin: () => deno.stdin.readable,
    tcpConnect: async (hostname, port) => {
      try {
        return hostConnection(await deno.connect({ hostname, port, transport: 'tcp' }));
      } catch (err) {
        throw withCode(err);
      }
    },
    tcpListen: async (hostname, port, onConnection) => {
      const listener = deno.listen({ hostname, port, transport: 'tcp' });
      void (async () => {
        try {
          for await (const tcp of listener) onConnection(hostConnection(tcp));
        } catch {
          // The listener was closed under the loop (BadResource): the loop is over.
        }
      })();
      return { address: address(listener.addr), close: () => listener.close() };
    },
    stopRequested: () =>
      new Promise<void>((resolve) => {
        const stop = (): void => {
          deno.removeSignalListener('SIGINT', stop);
          deno.removeSignalListener('SIGTERM', stop);
          resolve();
        };
        deno.addSignalListener('SIGINT', stop);
        deno.addSignalListener('SIGTERM', stop);
      }),
    defaultTrustAnchors: async () => {
      for (const path of SYSTEM_BUNDLES) {
        try {
          return new TextDecoder().decode(await deno.readFile(path));
        } catch {
          // not this one
        }
      }
      throw new Error(`no system root bundle (looked for ${SYSTEM_BUNDLES.join(', ')})`);
    },
    // No node:crypto here: WebCrypto (AES-GCM records in flight) is the fast path, noble the fallback.
    provider: webCryptoProvider,
  };
  return { host, flush: () => written };
}
