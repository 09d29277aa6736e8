import type { TlsConnection } from '../engine/connection.ts';
import type { ByteChannel } from './byte-channel.ts';
import { ChannelPort } from './channel-port.ts';
import type { ClientSide } from './client-side.ts';
import { TlsStream, type StreamOptions } from './tls-stream.ts';

/**
 * A {@link TlsStream} for `connection` over `channel` (through a {@link ChannelPort}), with the
 * user's lifecycle options; for a client, `client` adds the name it checks and the check after
 * the handshake when verification is off. What the web and workerd transports return.
 */
export function channelStream(connection: TlsConnection, channel: ByteChannel, options: StreamOptions, client?: Omit<ClientSide, 'connection'>): TlsStream {
  return new TlsStream({
    connection,
    port: (onFailure) => new ChannelPort(channel, onFailure),
    servername: client?.servername,
    authorize: client?.authorize,
    allowHalfOpen: options.allowHalfOpen,
    keylog: options.keylog,
    trace: options.trace,
    handshakeTimeout: options.handshakeTimeout,
  });
}
