import { TlsSocket } from './tls-socket.ts';
import type { ConnectionOptions } from './options.ts';

/**
 * Open a TLS 1.3 connection with rxtls, `tls.connect`-style: returns the socket at once (the
 * TCP connection and the handshake run in the background); `onSecureConnect` is added as a
 * one-time 'secureConnect' listener. Failures arrive as an 'error' event (and as the
 * rejection of `socket.established`).
 */
export function connect(options: ConnectionOptions, onSecureConnect?: () => void): TlsSocket {
  const socket = new TlsSocket(options);
  if (onSecureConnect) socket.once('secureConnect', onSecureConnect);
  return socket;
}
