// Public surface of @rxtls/transport-workerd. Re-exports only.
export { connect, type ConnectOptions } from './connect.ts';
export { socketChannel } from './socket-channel.ts';
export { TlsStream, type CloseInfo, type CipherInfo, type NegotiatedParameters, type HandshakeEvent, type PeerVerificationInfo } from '@rxtls/core';
