/**
 * What `getError()` reports after a call, with OpenSSL's `SSL_get_error` meanings.
 */
export const SslError = {
  /** The call finished. */
  NONE: 'NONE',
  /** Feed more bytes from the network, then call again. */
  WANT_READ: 'WANT_READ',
  /** Take the pending output and send it (the outgoing buffer is full), then call again. */
  WANT_WRITE: 'WANT_WRITE',
  /** Waiting on a promise (certificate validation, an asynchronous crypto provider): await `asyncReady()`, then call again. */
  WANT_ASYNC: 'WANT_ASYNC',
  /** The peer sent close_notify: a clean end of its data. */
  ZERO_RETURN: 'ZERO_RETURN',
  /** A protocol failure; `error` holds the TlsError and its alert. */
  SSL: 'SSL',
  /** The transport failed or ended without close_notify (truncation). */
  SYSCALL: 'SYSCALL',
} as const;
export type SslError = (typeof SslError)[keyof typeof SslError];
