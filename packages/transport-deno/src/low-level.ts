// @rxtls/transport-deno/low-level: the pieces under `connect` and `listen`. Re-exports only.
export { accept, serverConfig } from './accept.ts';
export { clientConfig } from './connect.ts';
export { DenoReadiness, denoChannel, READ_SIZE, MAX_READ_SIZE } from './deno-readiness.ts';
export type { TlsConnSetup } from './tls-conn.ts';
export type { ServerOptions } from './options.ts';
export type { DenoConn, DenoTcpConn, DenoListener, DenoNet, NetAddr, Addr } from './deno-api.ts';
