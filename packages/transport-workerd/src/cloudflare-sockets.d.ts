// The part of workerd's `cloudflare:sockets` module this transport uses (the module exists only
// inside workerd; its full types are in @cloudflare/workers-types).
declare module 'cloudflare:sockets' {
  /** An outbound TCP connection. */
  export interface Socket {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    /** Resolves once connected (with the addresses); rejects when the connection failed. */
    readonly opened: Promise<unknown>;
    /** Resolves when the socket is closed; rejects on an error. */
    readonly closed: Promise<void>;
    close(): Promise<void>;
  }
  export interface SocketOptions {
    /** 'off' (plain TCP, what rxtls runs over), 'on' or 'starttls'. */
    readonly secureTransport?: 'off' | 'on' | 'starttls';
    /** Keep the writable side open when the readable side ends (and the reverse). */
    readonly allowHalfOpen?: boolean;
  }
  export function connect(address: string | { hostname: string; port: number }, options?: SocketOptions): Socket;
}
