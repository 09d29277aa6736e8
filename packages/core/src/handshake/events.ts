/**
 * Plain-data events the engine queues during a step and delivers after it commits.
 * The observe/ layer turns them into `handshake$`, `messages$` and `keylog$`.
 */

/** One step of the handshake timeline (like OpenSSL's info callback). */
export type HandshakeStep =
  | { readonly type: 'client-hello-sent'; readonly retry: boolean; readonly serverName?: string; readonly offeredGroups: readonly string[]; readonly offeredSuites: readonly string[]; readonly alpn?: readonly string[] }
  | { readonly type: 'hello-retry-request'; readonly selectedGroup: string; readonly cookie: boolean }
  | { readonly type: 'server-hello'; readonly cipherSuite: string; readonly group: string; readonly version: string; readonly resumed?: boolean; readonly extendedMasterSecret?: boolean }
  | { readonly type: 'encrypted-extensions'; readonly alpn?: string; readonly recordSizeLimit?: number; readonly serverNameAcknowledged: boolean }
  | { readonly type: 'certificate-request' }
  | { readonly type: 'certificate'; readonly chainLength: number; readonly subject?: string }
  | { readonly type: 'certificate-verified'; readonly signatureScheme: string; readonly chainVerified: boolean; readonly path: readonly string[] }
  | { readonly type: 'server-finished' }
  | { readonly type: 'client-certificate-sent'; readonly empty: boolean }
  | { readonly type: 'client-finished-sent' }
  | { readonly type: 'client-hello-received'; readonly serverName?: string; readonly offeredSuites: readonly string[]; readonly keyShares: readonly string[]; readonly alpn?: readonly string[] }
  | { readonly type: 'server-hello-sent'; readonly cipherSuite: string; readonly group: string; readonly resumed?: boolean }
  | { readonly type: 'server-certificate-sent'; readonly chainLength: number; readonly subject: string; readonly signatureScheme: string }
  | { readonly type: 'server-finished-sent' }
  | { readonly type: 'client-finished' }
  // TLS 1.2 (RFC 5246 §7.3): the key exchange messages and the change_cipher_spec each side sends.
  | { readonly type: 'server-key-exchange'; readonly group: string; readonly signatureScheme: string }
  | { readonly type: 'server-hello-done' }
  | { readonly type: 'client-key-exchange-sent'; readonly group: string }
  | { readonly type: 'server-key-exchange-sent'; readonly group: string; readonly signatureScheme: string }
  | { readonly type: 'server-hello-done-sent' }
  | { readonly type: 'client-key-exchange'; readonly group: string }
  | { readonly type: 'change-cipher-spec'; readonly direction: 'sent' | 'received' }
  | { readonly type: 'new-session-ticket'; readonly direction: 'sent' | 'received'; readonly lifetimeSeconds: number }
  | { readonly type: 'established'; readonly parameters: NegotiatedParameters };

/** A handshake step with its timestamp (milliseconds since the epoch, fractional). */
export type HandshakeEvent = HandshakeStep & { readonly at: number };

/** What the handshake settled on. */
export interface NegotiatedParameters {
  readonly version: string;
  readonly cipherSuite: string;
  readonly group: string;
  readonly signatureScheme: string;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly helloRetry: boolean;
  /**
   * Whether a session ticket was resumed (RFC 8446 §2.2): no certificates were exchanged. The
   * engine always sets it; optional only so that hand-built values stay valid (absent = false).
   */
  readonly resumed?: boolean;
  /** TLS 1.2: whether the master secret covers the handshake (RFC 7627). Absent for TLS 1.3. */
  readonly extendedMasterSecret?: boolean;
  /** The peer's certificate chain as sent (DER, leaf first). */
  readonly peerCertificates: readonly Uint8Array[];
  /** Subjects of the validated path, leaf first (empty when verification was disabled). */
  readonly verifiedPath: readonly string[];
}

/** One record or handshake message crossing the wire, like `openssl s_client -msg`. */
export type MessageEvent =
  | { readonly kind: 'record'; readonly direction: 'sent' | 'received'; readonly contentType: string; readonly length: number; readonly encrypted: boolean; readonly at: number }
  | { readonly kind: 'handshake'; readonly direction: 'sent' | 'received'; readonly messageType: string; readonly length: number; readonly bytes: Uint8Array; readonly at: number }
  | { readonly kind: 'alert'; readonly direction: 'sent' | 'received'; readonly level: string; readonly description: string; readonly at: number }
  | { readonly kind: 'change-cipher-spec'; readonly direction: 'sent' | 'received'; readonly at: number };

/** A NewSessionTicket the server sent; a client context's ticket store keeps it for resumption. */
export interface SessionTicket {
  readonly ticket: Uint8Array;
  readonly lifetimeSeconds: number;
  readonly ageAdd: number;
  readonly nonce: Uint8Array;
  readonly maxEarlyDataSize: number | undefined;
  readonly receivedAt: number;
  readonly cipherSuite: number;
  /**
   * The resumption PSK derived for this ticket (RFC 8446 §4.6.1), or for a TLS 1.2 ticket the
   * session's master secret (RFC 5077 §3.4). Secret: keep it as such.
   */
  readonly psk: Uint8Array;
  /** 'TLSv1.2' for a TLS 1.2 ticket (RFC 5077); absent for TLS 1.3. */
  readonly version?: 'TLSv1.2';
  /** TLS 1.2 tickets: whether the session used the extended master secret (RFC 7627 §5.3). */
  readonly extendedMasterSecret?: boolean;
  readonly serverName: string | undefined;
}

/**
 * What `tickets$` shows of a ticket: everything but the resumption PSK, which stays between
 * the engine and the ticket store.
 */
export type SessionTicketInfo = Omit<SessionTicket, 'psk'>;

/** The public view of a ticket (the PSK left out). */
export function ticketInfo(ticket: SessionTicket): SessionTicketInfo {
  const { psk: _secret, ...info } = ticket;
  return info;
}

/** Everything the engine reports, in order. */
export type EngineEvent =
  | { readonly channel: 'handshake'; readonly event: HandshakeEvent }
  | { readonly channel: 'message'; readonly event: MessageEvent }
  | { readonly channel: 'keylog'; readonly line: string }
  | { readonly channel: 'ticket'; readonly ticket: SessionTicket }
  | { readonly channel: 'key-update'; readonly direction: 'sent' | 'received'; readonly at: number };
