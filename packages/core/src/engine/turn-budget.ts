import { RECORD_BYTES_PER_CALL, RECORDS_PER_CALL } from '../record/limits.ts';

/**
 * The work one engine call may do on peer input (DESIGN: bounded work): at most
 * {@link RECORDS_PER_CALL} records or {@link RECORD_BYTES_PER_CALL} record bytes. When it is
 * spent the call returns with `stopped` set, and the driver yields to the event loop before
 * it calls again, so no single connection holds the loop, whatever its peer sends.
 */
export class TurnBudget {
  private records = 0;
  private bytes = 0;
  /** The last call wanted to read another record and the budget was spent. */
  stopped = false;

  constructor(
    readonly maxRecords: number = RECORDS_PER_CALL,
    readonly maxBytes: number = RECORD_BYTES_PER_CALL,
  ) {}

  /** A new call starts with a full budget. */
  reset(): void {
    this.records = 0;
    this.bytes = 0;
    this.stopped = false;
  }

  /** Whether one more record may be processed in this call; records the stop when not. */
  allowsAnother(): boolean {
    if (this.records < this.maxRecords && this.bytes < this.maxBytes) return true;
    this.stopped = true;
    return false;
  }

  /** Count one record of `length` bytes (header included). */
  spend(length: number): void {
    this.records++;
    this.bytes += length;
  }
}
