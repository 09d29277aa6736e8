// @rxtls/transport-workerd/low-level: the byte channel under `connect`. Re-exports only.
export { socketChannel } from './socket-channel.ts';
export { ChannelPort, type ByteChannel } from '@rxtls/core';
