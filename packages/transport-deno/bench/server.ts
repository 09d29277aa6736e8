// The Deno benchmark's peer: `Deno.listenTls` servers (Deno's own TLS, rustls) on 127.0.0.1,
// one per certificate that bench.ts hands over.
//
// It runs as a module Worker started by bench.ts: a Deno worker is its own isolate with its
// own event loop on its own thread, so the client under test shares neither a loop nor (when
// one is free) a core with it, as with a separate process, while the benchmark needs only
// `--allow-net=127.0.0.1` and read access to this folder (a worker's modules are loaded at
// run time). A separate `deno` process would need `--allow-run` for the `deno` binary, and
// that amounts to allowing everything. The certificates are made in bench.ts, so the worker
// loads no library.
//
// Protocol (the Node benchmark's): the client's first bytes decide
//   `bulk`         -> `bulkBytes` of data, then close_notify
//   anything else  -> close (handshake timing)
// Messages: in { bulkBytes, certificates: [{ cert, key }] } ; out [port, ...] in the same order.
import { deno, writeAll, type BenchTlsConn } from './deno-api.ts';

/** What bench.ts sends: the bulk size and each server's chain (PEM, leaf first) and key. */
export interface ServerRequest {
  readonly bulkBytes: number;
  readonly certificates: readonly { readonly cert: string; readonly key: string }[];
}

/** The worker's global scope, as far as it is used here. */
declare const self: { onmessage: ((event: { data: ServerRequest }) => void) | null; postMessage(message: unknown): void };

const chunk = new Uint8Array(256 * 1024).fill(0x61);

async function serve(conn: BenchTlsConn, bulkBytes: number): Promise<void> {
  try {
    const buffer = new Uint8Array(16);
    const n = await conn.read(buffer); // runs the handshake first
    if (n !== null && new TextDecoder().decode(buffer.subarray(0, n)) === 'bulk') {
      for (let left = bulkBytes; left > 0; left -= chunk.length) await writeAll(conn, chunk);
      await conn.closeWrite(); // close_notify, then FIN
      while ((await conn.read(buffer)) !== null);
    }
  } catch {
    // A client that goes away without close_notify (the handshake rows destroy theirs).
  }
  try {
    conn.close();
  } catch {
    // already closed
  }
}

self.onmessage = (event) => {
  const { bulkBytes, certificates } = event.data;
  self.onmessage = null;
  const ports = certificates.map(({ cert, key }) => {
    const listener = deno.listenTls({ hostname: '127.0.0.1', port: 0, cert, key });
    void (async () => {
      for await (const conn of listener) void serve(conn, bulkBytes);
    })();
    return listener.addr.port;
  });
  self.postMessage(ports);
};
