// Public surface of @rxtls/transport-deno: `connect` (a client) and `listen` (a server), with
// Deno's conventions (`hostname`, `port`, as `Deno.connectTls` / `Deno.listenTls`). Re-exports
// only. The lower-level pieces (`accept` over a conn of your own, the readiness port, the
// config builders) are in the `low-level` export (`@rxtls/transport-deno/low-level`).
export { connect } from './connect.ts';
export { listen, type TlsListener } from './listen.ts';
export { TlsConn } from './tls-conn.ts';
export type { ConnectOptions, ListenOptions, ConnOptions, AlpnInput, KeylogOption, TraceOption } from './options.ts';
export type { CloseInfo, CipherInfo, NegotiatedParameters, HandshakeEvent, MessageEvent } from '@rxtls/core';
