import { connect as tcpConnect } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/** Options of {@link startBridge}. */
export interface BridgeOptions {
  /** Address to listen on (default `127.0.0.1`: loopback only). */
  readonly host?: string;
  /** Port (default 0: any free port; see `Bridge.port`). */
  readonly port?: number;
  /**
   * The TCP targets a client may ask for, as `host:port` (e.g. `127.0.0.1:5432`). Nothing else
   * is reachable: without this list the bridge would be an open proxy.
   */
  readonly allow: readonly string[];
  /** Bytes queued towards the WebSocket before the TCP side is paused (default 1 MiB). */
  readonly maxBuffered?: number;
}

/** A running bridge. */
export interface Bridge {
  /** `ws://host:port/`: add `?target=host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stop listening and drop every open pair. */
  close(): Promise<void>;
}

/** The `host:port` a request asks for (`?target=`), or undefined. */
function targetOf(req: IncomingMessage): string | undefined {
  return new URL(req.url ?? '/', 'ws://bridge').searchParams.get('target') ?? undefined;
}

/** `host:port` split at the last colon (IPv6 literals in brackets keep theirs). */
function splitTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  return { host: target.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(target.slice(at + 1)) };
}

/** Join one WebSocket to one TCP connection, with backpressure both ways. */
function join(ws: WebSocket, target: string, maxBuffered: number): void {
  const { host, port } = splitTarget(target);
  const tcp = tcpConnect({ host, port });
  tcp.setNoDelay(true);
  // WebSocket → TCP: binary frames only; pause the WebSocket while TCP is congested.
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return ws.close(1003, 'binary frames only');
    if (!tcp.write(data)) {
      ws.pause();
      tcp.once('drain', () => ws.resume());
    }
  });
  // TCP → WebSocket: pause TCP while the WebSocket's queue is over the limit.
  tcp.on('data', (data: Buffer) => {
    ws.send(data, { binary: true }, () => {
      if (tcp.isPaused() && ws.bufferedAmount <= maxBuffered) tcp.resume();
    });
    if (ws.bufferedAmount > maxBuffered) tcp.pause();
  });
  tcp.on('end', () => ws.close(1000));
  tcp.on('error', () => ws.close(1011, 'target connection failed'));
  ws.on('close', () => tcp.end());
  ws.on('error', () => tcp.destroy());
}

/**
 * A WebSocket-to-TCP bridge (what browser database drivers use to reach TCP): each WebSocket
 * at `/?target=host:port` is joined to a TCP connection to that target, bytes in binary frames
 * both ways. Only the targets in `allow` are reachable; the others are refused with HTTP 403
 * before the upgrade. It listens on loopback unless told otherwise. TLS runs end to end
 * through it: the bridge sees only ciphertext.
 */
export function startBridge(options: BridgeOptions): Promise<Bridge> {
  const allowed = new Set(options.allow);
  const maxBuffered = options.maxBuffered ?? 1024 * 1024;
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({
      host,
      port: options.port ?? 0,
      maxPayload: 1024 * 1024,
      verifyClient: (info, done) => {
        const target = targetOf(info.req);
        if (target !== undefined && allowed.has(target)) done(true);
        else done(false, 403, 'target not allowed');
      },
    });
    server.on('connection', (ws, req) => join(ws, targetOf(req)!, maxBuffered));
    server.once('error', reject);
    server.once('listening', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of server.clients) ws.terminate();
            server.close(() => done());
          }),
      });
    });
  });
}
