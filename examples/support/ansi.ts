/**
 * Plain ANSI SGR colours (the 8 basic colours, bold and dim) for terminal output, switched
 * off as a whole when the output is not a terminal. No 256-colour or true-colour codes: those
 * render badly on some terminals and not at all in logs.
 */

/** The styles the examples use. Each wraps text in an SGR sequence and its reset. */
export interface Palette {
  readonly enabled: boolean;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly blue: (s: string) => string;
  readonly magenta: (s: string) => string;
  readonly cyan: (s: string) => string;
}

function sgr(open: number, close: number): (s: string) => string {
  return (s) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);
}

const identity = (s: string): string => s;

/** A palette that colours when `enabled`, and returns text unchanged otherwise. */
export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, bold: identity, dim: identity, red: identity, green: identity, yellow: identity, blue: identity, magenta: identity, cyan: identity };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
  };
}

const SGR_PATTERN = /\x1b\[[0-9;]*m/g;

/** `text` without SGR sequences. */
export function stripAnsi(text: string): string {
  return text.replace(SGR_PATTERN, '');
}

/** Columns `text` takes in a terminal: SGR sequences take none; every code point here takes one. */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/** Cut plain `text` to at most `width` columns, marking the cut with `…` (or `...` when `ascii`). */
export function truncate(text: string, width: number, ascii = false): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  const mark = ascii ? '...' : '…';
  return chars.slice(0, Math.max(0, width - mark.length)).join('') + mark;
}
