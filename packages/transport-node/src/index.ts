// Public surface of @rxtls/transport-node: drop-ins for `tls.connect` and `tls.createServer`,
// with node:tls's option names. Re-exports only. The lower-level pieces (readiness ports,
// session-level helpers) are in `@rxtls/transport-node/low-level`.
export { connect } from './socket/connect.ts';
export { createServer, TlsServer, type TlsOptions } from './server.ts';
export { TlsSocket } from './socket/tls-socket.ts';
export type { ConnectionOptions } from './socket/options.ts';
export type { WebStreamPair } from './socket/web-streams.ts';
export { nodeCryptoProvider } from './node-crypto-provider.ts';
export { defaultCaCertificates } from './socket/contexts.ts';
export type { CloseInfo, CipherInfo, NegotiatedParameters, HandshakeEvent, MessageEvent } from '@rxtls/core';
