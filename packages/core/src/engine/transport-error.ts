/**
 * The transport under a connection failed, or ended without the peer's close_notify
 * (a truncation attack or a crash looks the same; RFC 8446 §6.1 says not to treat it as a
 * clean end). Reported as `SYSCALL`.
 */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  /** `eof`: ended without close_notify; `error`: the transport failed; `timeout`: a deadline passed. */
  readonly kind: 'eof' | 'error' | 'timeout';
  /** The system error code of the cause (`ECONNRESET`, `ECONNREFUSED`...), where it has one; `ETIMEDOUT` for a timeout. */
  readonly code: string | undefined;

  constructor(kind: 'eof' | 'error' | 'timeout', message: string, options?: { cause?: unknown }) {
    super(message.startsWith('tls: ') ? message : `tls: ${message}`, options);
    this.kind = kind;
    const cause = options?.cause as { code?: unknown } | undefined;
    this.code = typeof cause?.code === 'string' ? cause.code : kind === 'timeout' ? 'ETIMEDOUT' : undefined;
  }
}

/**
 * The handshake did not finish within its timeout (`handshakeTimeout`): the peer was too
 * slow, or stalled on purpose (slowloris). Reported as `SYSCALL`, like a transport failure.
 */
export class HandshakeTimeoutError extends TransportError {
  override readonly name: string = 'HandshakeTimeoutError';
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('timeout', `handshake not finished after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}
