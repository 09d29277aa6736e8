/**
 * The transport under a connection failed, or ended without the peer's close_notify
 * (a truncation attack or a crash looks the same; RFC 8446 §6.1 says not to treat it as a
 * clean end). Reported as `SYSCALL`.
 */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  readonly kind: 'eof' | 'error';
  /** The system error code of the cause (`ECONNRESET`, `ECONNREFUSED`...), where it has one. */
  readonly code: string | undefined;

  constructor(kind: 'eof' | 'error', message: string, options?: { cause?: unknown }) {
    super(message.startsWith('tls: ') ? message : `tls: ${message}`, options);
    this.kind = kind;
    const cause = options?.cause as { code?: unknown } | undefined;
    this.code = typeof cause?.code === 'string' ? cause.code : undefined;
  }
}
