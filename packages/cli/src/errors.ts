import { TlsError, TransportError } from '@rxtls/core';

/** System error codes worded the same on every runtime (Node and Deno word their messages differently). */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'broken pipe',
  ETIMEDOUT: 'timed out',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
};

/** The common wording of a system error code, if it is one we word. */
export function systemErrorText(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(SYSTEM_ERRORS, code) ? SYSTEM_ERRORS[code] : undefined;
}

/** An error's message, with the runtime's wording of a system error replaced by one wording for all. */
export function describeError(err: unknown): string {
  return systemErrorText((err as { code?: unknown } | null)?.code) ?? (err instanceof Error ? err.message : String(err));
}

/** A failed connection's error for the user: a TLS error with its alert, a transport error in the common wording. */
export function describeFailure(err: unknown): string {
  if (err instanceof TlsError) return `${err.message} (alert ${err.alertName}${err.origin === 'peer' ? ' from peer' : ' sent'})`;
  if (err instanceof TransportError) {
    if (err.kind === 'timeout') return err.message;
    const text = systemErrorText(err.code);
    return text !== undefined ? `tls: transport failed: ${text}` : err.message;
  }
  return describeError(err);
}
