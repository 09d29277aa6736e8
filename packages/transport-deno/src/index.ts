// Public surface of @rxtls/transport-deno. Re-exports only.
export { DenoReadiness, READ_SIZE } from './deno-readiness.ts';
export { connect, clientConfig, type ConnectOptions } from './connect.ts';
export { listen, serverConfig, type ListenOptions, type TlsListener } from './listen.ts';
export { TlsConn } from './tls-conn.ts';
export type { DenoConn, DenoTcpConn, DenoListener, DenoNet, NetAddr } from './deno-api.ts';
