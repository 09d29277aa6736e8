export { NodeReadiness, setNoDelay } from './node-readiness.ts';
export { connectTls, openTlsSession, type ConnectOptions } from './connect.ts';
export { nodeCryptoProvider } from './node-crypto-provider.ts';
export { connect } from './socket/connect.ts';
export { TlsSocket, type CloseInfo, type CipherInfo } from './socket/tls-socket.ts';
export type { TlsSocketOptions } from './socket/options.ts';
export type { WebStreamPair } from './socket/web-streams.ts';
export { StreamPort } from './socket/stream-port.ts';
export { defaultCaCertificates } from './socket/contexts.ts';
