import type { Observable } from 'rxjs';
import type { CLOSE_LINGER_MS } from '../record/limits.ts';

/**
 * The readiness port: what a transport offers the driver, select()-style. One runtime's
 * socket implements it (transport-node, transport-deno); nothing protocol-related lives there.
 */
export interface ReadinessPort {
  /** Emits (at least once) when `read()` may return something: data, end of stream, or an error. Emits at once if that is already so. */
  readonly readable$: Observable<void>;
  /** Emits when `write()` may be called again after it returned false. Emits at once if the transport is not congested. */
  readonly writable$: Observable<void>;
  /**
   * The next received bytes; `null` at end of stream; `undefined` when nothing is available
   * now (would block). Throws when the transport failed.
   */
  read(): Uint8Array | null | undefined;
  /**
   * True when every array `read()` returns is the reader's to keep (the port never reuses or
   * changes it): the engine then keeps it without copying.
   */
  readonly readsOwned?: boolean;
  /** Send bytes. The transport takes them; `false` asks the writer to wait for `writable$` before writing more. */
  write(data: Uint8Array): boolean;
  /** Close the write side once everything written has been sent (after close_notify). */
  end(): void;
  /** Tear the transport down now. */
  destroy(): void;
  /**
   * Close after a fatal alert: send what was written (the alert), half-close, discard what
   * still arrives for at most {@link CLOSE_LINGER_MS}, then tear down. Closing a socket whose
   * input was not read makes the kernel reset the connection, and a reset can destroy the alert
   * in flight; this lingering close is how the alert reaches the peer. Ports without it are
   * destroyed instead.
   */
  closeAfterAlert?(): void;
}
