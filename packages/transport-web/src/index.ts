// Public surface of @rxtls/transport-web. Re-exports only.
export { connect, accept, channelOf, type ConnectOptions, type AcceptOptions, type WebTransportOptions, type ByteStreamPair } from './connect.ts';
export { webSocketChannel, type WebSocketLike, type WebSocketChannelOptions } from './websocket-channel.ts';
export { TlsStream, type CloseInfo, type CipherInfo, type NegotiatedParameters, type HandshakeEvent } from '@rxtls/core';
