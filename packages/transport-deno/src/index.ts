// Public surface of @rxtls/transport-deno. Re-exports only.
export { DenoReadiness, READ_SIZE, MAX_READ_SIZE } from './deno-readiness.ts';
export { connect, clientConfig } from './connect.ts';
export { accept, serverConfig } from './accept.ts';
export { listen, type TlsListener } from './listen.ts';
export { TlsConn, type TlsConnSetup } from './tls-conn.ts';
export type { CloseInfo, CipherInfo } from '@rxtls/core';
export type { ConnectOptions, ServerOptions, ListenOptions, ConnOptions, AlpnInput, KeylogOption, TraceOption } from './options.ts';
export type { DenoConn, DenoTcpConn, DenoListener, DenoNet, NetAddr, Addr } from './deno-api.ts';
