// @rxtls/transport-web/low-level: the byte channels under `connect` and `accept`. Re-exports only.
export { channelOf } from './connect.ts';
export { webSocketChannel } from './websocket-channel.ts';
export { ChannelPort, webStreamChannel, type ByteChannel } from '@rxtls/core';
