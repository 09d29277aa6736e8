import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { CliHost, HostAddress, HostConnection } from '@rxtls/cli';
import { NodeReadiness } from '../node-readiness.ts';

function address(host: string | undefined, port: number | undefined): HostAddress {
  return { hostname: host ?? '?', port: port ?? 0 };
}

/** The readiness port and the addresses of a connected socket, Nagle off. */
function hostConnection(socket: Socket): HostConnection {
  socket.setNoDelay(true);
  return {
    port: new NodeReadiness(socket),
    localAddress: address(socket.localAddress, socket.localPort),
    remoteAddress: address(socket.remoteAddress, socket.remotePort),
  };
}

/**
 * The CLI's host on Node: `node:fs`, the process's streams and signals, `node:net` through
 * {@link NodeReadiness}, and Node's bundled root certificates (`tls.rootCertificates`).
 */
export function nodeHost(): CliHost {
  return {
    readFile: async (path) => new Uint8Array(await readFile(path)),
    appendFile: (path, text) => appendFileSync(path, text, { mode: 0o600 }),
    stdout: (data) => void process.stdout.write(data),
    stderr: (line) => void process.stderr.write(`${line}\n`),
    stdin: () => process.stdin,
    tcpConnect: async (host, port) => {
      const socket = connect({ host, port });
      await once(socket, 'connect'); // rejects on 'error'
      return hostConnection(socket);
    },
    tcpListen: async (host, port, onConnection) => {
      // Half-open allowed: the session ends our side after close_notify, not Node on the peer's FIN.
      const server = createServer({ allowHalfOpen: true }, (socket) => onConnection(hostConnection(socket)));
      server.listen(port, host);
      await once(server, 'listening');
      const bound = server.address() as AddressInfo;
      return { address: address(bound.address, bound.port), close: () => server.close() };
    },
    stopRequested: () =>
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
    defaultTrustAnchors: async () => rootCertificates,
  };
}
