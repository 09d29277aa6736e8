import { createServer, type Server, type TLSSocket, type TlsOptions } from 'node:tls';
import type { TestPki } from '../../../../core/test/support/pki.ts';

/** A `node:tls` server on a loopback port. */
export interface NodeTlsServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** The p256 test server's key and chain (leaf + intermediate), for node:tls and node:https. */
export function serverCredentials(pki: TestPki): { key: string; cert: string } {
  return { key: pki.servers.p256.keyPem, cert: pki.servers.p256.certPem + pki.intermediatePem };
}

/** Start a TLS 1.3 `node:tls` server with the p256 test certificate; `onConnection` gets each secure socket. */
export function startNodeTlsServer(pki: TestPki, onConnection: (socket: TLSSocket) => void, options: TlsOptions = {}): Promise<NodeTlsServer> {
  const server = createServer({ ...serverCredentials(pki), minVersion: 'TLSv1.3', ...options }, onConnection);
  const sockets = new Set<TLSSocket>();
  server.on('secureConnection', (s: TLSSocket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
