// Public surface of @rxtls/transport-web: `connect` (a client) and `accept` (a server) over a
// WebSocket or a pair of web streams. Re-exports only. The byte channels under them are in
// `@rxtls/transport-web/low-level`.
export { connect, accept, type ConnectOptions, type AcceptOptions, type WebTransportOptions, type ByteStreamPair } from './connect.ts';
export type { WebSocketLike, WebSocketChannelOptions } from './websocket-channel.ts';
export { TlsStream, type CloseInfo, type CipherInfo, type NegotiatedParameters, type HandshakeEvent, type MessageEvent } from '@rxtls/core';
