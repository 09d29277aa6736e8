// @rxtls/transport-node/low-level: the pieces under `connect` and `createServer`, for code that
// drives core's engine itself. Re-exports only.
export { NodeReadiness, setNoDelay, SOCKET_READ_BUFFER } from './node-readiness.ts';
export { StreamPort } from './socket/stream-port.ts';
export { connectTls, openTlsSession, type SessionConnectOptions } from './connect.ts';
export { createTlsServer, type TlsServerOptions } from './server.ts';
export type { ServerRole } from './socket/tls-socket.ts';
