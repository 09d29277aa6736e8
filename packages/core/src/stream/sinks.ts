import type { MessageEvent } from '../handshake/events.ts';
import { formatMessage } from '../observe/format-message.ts';

/**
 * Key log (NSS format, for Wireshark): `true` appends lines to the file named by
 * `SSLKEYLOGFILE` where the runtime can (see each transport); a function receives each line.
 * Either way the key log is on from the first message. The lines contain secrets.
 */
export type KeylogOption = boolean | ((line: string) => void);

/** Every record and message: `true` prints them to stderr like `openssl s_client -msg`; a function receives the events. */
export type TraceOption = boolean | ((event: MessageEvent) => void);

/**
 * Where key log lines go: the caller's function, or for `true` what `keylogFile` opens (a
 * transport's append-to-`SSLKEYLOGFILE`; undefined when the runtime cannot or may not).
 * Undefined: only `keylog$` has the lines.
 */
export function keylogSink(option: KeylogOption | undefined, keylogFile?: () => ((line: string) => void) | undefined): ((line: string) => void) | undefined {
  if (typeof option === 'function') return option;
  return option === true ? keylogFile?.() : undefined;
}

/** Where message events go: the caller's function, or for `true` one line each on the console's error stream. */
export function traceSink(option: TraceOption | undefined): ((event: MessageEvent) => void) | undefined {
  if (typeof option === 'function') return option;
  return option === true ? (event) => console.error(formatMessage(event)) : undefined;
}
