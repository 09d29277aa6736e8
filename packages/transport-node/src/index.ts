export { NodeReadiness, setNoDelay } from './node-readiness.ts';
export { connectTls, openTlsSession, type ConnectOptions } from './connect.ts';
export { nodeCryptoProvider } from './node-crypto-provider.ts';
