// Public surface of @rxtls/transport-workerd: `connect`, an rxtls client over
// `cloudflare:sockets`. Re-exports only. The byte channel under it is in
// `@rxtls/transport-workerd/low-level`.
export { connect, type ConnectOptions } from './connect.ts';
export { TlsStream, type CloseInfo, type CipherInfo, type NegotiatedParameters, type HandshakeEvent, type MessageEvent, type PeerVerificationInfo } from '@rxtls/core';
