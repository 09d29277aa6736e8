import type { TlsServerContext } from '@rxtls/core';
import { denoNet, type Addr } from './deno-api.ts';
import { accept, serverContext } from './accept.ts';
import type { ListenOptions } from './options.ts';
import type { TlsConn } from './tls-conn.ts';

/** A listening rxtls server on Deno. */
export interface TlsListener {
  /** The bound address (the real port when `port` was 0). */
  readonly addr: Addr;
  /** The context every connection comes from. */
  readonly context: TlsServerContext;
  /** The connections open now (handshaking or established). */
  readonly connections: ReadonlySet<TlsConn>;
  /** Stop accepting; open connections stay open. */
  close(): void;
  /** Destroy every open connection. */
  closeAllConnections(): void;
  /** Resolves when the accept loop has ended (after `close()`). */
  readonly finished: Promise<void>;
}

/**
 * Listen with `Deno.listen` and run a TLS 1.3 server on every accepted connection
 * (TCP_NODELAY on, the handshake started at once, as `accept()` does). `onConnection` gets
 * each {@link TlsConn} right away: `await conn.established`, or just `read()`/`write()`,
 * which wait for the handshake. A failed handshake goes to `onTlsClientError`; an exception
 * or rejection from `onConnection` destroys that connection only.
 */
export function listen(options: ListenOptions, onConnection: (conn: TlsConn) => void | Promise<void>): TlsListener {
  const context = serverContext(options);
  const listener = denoNet().listen({ ...(options.hostname !== undefined ? { hostname: options.hostname } : {}), port: options.port, transport: 'tcp' });
  const connections = new Set<TlsConn>();
  const loop = async (): Promise<void> => {
    try {
      for await (const tcp of listener) {
        const conn = accept(tcp, { ...options, context });
        connections.add(conn);
        conn.close$.subscribe(() => connections.delete(conn));
        conn.established.catch((err: unknown) => options.onTlsClientError?.(err instanceof Error ? err : new Error(String(err)), conn));
        Promise.resolve()
          .then(() => onConnection(conn))
          .catch((err: unknown) => conn.destroy(err instanceof Error ? err : new Error(String(err))));
      }
    } catch {
      // The listener was closed under the loop (BadResource): the loop is over.
    }
  };
  return {
    addr: listener.addr,
    context,
    connections,
    close: () => {
      try {
        listener.close();
      } catch {
        // closed already
      }
    },
    closeAllConnections: () => {
      for (const conn of [...connections]) conn.destroy();
    },
    finished: loop(),
  };
}
