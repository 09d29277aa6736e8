/**
 * A terminal rendering of a handshake timeline: one row per `handshake$` step with when it
 * happened, how long it took, and a horizontal bar placed on a common time axis (a small
 * Gantt chart), plus a dimmed line saying what the step carried.
 *
 *   → client-hello-sent        0.41 ms   0.41 ms ▍
 *       sni localhost · key share x25519 · alpn http/1.1 · 3 suites
 *   ← server-hello             2.10 ms   1.69 ms ██▌
 *
 * `renderTimeline` is a pure function of the events seen so far, so a caller can redraw it on
 * every new event (a live view) or print it once at the end.
 */
import type { HandshakeEvent } from '@rxtls/core';
import { palette, truncate, type Palette } from './support/ansi.ts';

/** Options for {@link renderTimeline}. */
export interface TimelineOptions {
  /**
   * Terminal columns the lines must fit in. Default 80. Below about 60 columns the bars are
   * dropped; below about 50 a line may still wrap.
   */
  readonly width?: number;
  /** Plain ANSI colours. Default false. */
  readonly color?: boolean;
  /** ASCII characters only (no block elements, arrows or check marks). Default false. */
  readonly ascii?: boolean;
  /**
   * Time origin in ms since the epoch, e.g. when `handshake()` was called: the first step's
   * duration is measured from it. Default: the first event's `at` (the first step takes 0).
   */
  readonly start?: number;
  /** A dimmed second line per step saying what it carried. Default true. */
  readonly details?: boolean;
}

/** Who acted in a step: the client sent something, the server did, or a local check passed. */
export type StepActor = 'client' | 'server' | 'local';

/** Which side a step belongs to, for its arrow and colour. */
export function actorOf(type: HandshakeEvent['type']): StepActor {
  switch (type) {
    case 'client-hello-sent':
    case 'client-certificate-sent':
    case 'client-finished-sent':
    case 'client-hello-received':
    case 'client-finished':
    case 'client-key-exchange-sent':
    case 'client-key-exchange':
      return 'client';
    case 'change-cipher-spec':
      return 'local';
    case 'certificate-verified':
    case 'established':
      return 'local';
    case 'hello-retry-request':
    case 'server-hello':
    case 'encrypted-extensions':
    case 'certificate-request':
    case 'certificate':
    case 'server-finished':
    case 'server-hello-sent':
    case 'server-certificate-sent':
    case 'server-finished-sent':
    case 'server-key-exchange':
    case 'server-hello-done':
    case 'server-key-exchange-sent':
    case 'server-hello-done-sent':
    case 'new-session-ticket':
      return 'server';
  }
}

/** Three significant digits for 0 ≤ v < 999.5: `0.41`, `12.3`, `250`. */
function threeDigits(v: number): string {
  if (v < 9.995) return v.toFixed(2);
  if (v < 99.95) return v.toFixed(1);
  return v.toFixed(0);
}

/**
 * A duration given in milliseconds, about three significant digits, at most 8 columns below
 * a day: `0.41 ms`, `12.3 ms`, `250 ms`, `1.50 s`, `86400 s`. Negative or non-finite input
 * shows as `0.00 ms`.
 */
export function formatDuration(ms: number): string {
  const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (v < 999.5) return `${threeDigits(v)} ms`;
  const seconds = v / 1000;
  return `${seconds < 999.5 ? threeDigits(seconds) : seconds.toFixed(0)} s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What a step carried, in a few words (empty when there is nothing to add). */
export function describeStep(event: HandshakeEvent): string {
  const parts: string[] = [];
  switch (event.type) {
    case 'client-hello-sent':
      if (event.retry) parts.push('second ClientHello');
      if (event.serverName !== undefined) parts.push(`sni ${event.serverName}`);
      parts.push(`key share ${event.offeredGroups.join(', ')}`);
      if (event.alpn !== undefined) parts.push(`alpn ${event.alpn.join(', ')}`);
      parts.push(plural(event.offeredSuites.length, 'suite'));
      break;
    case 'hello-retry-request':
      parts.push(`server asks for a ${event.selectedGroup} key share`);
      if (event.cookie) parts.push('with a cookie');
      break;
    case 'server-hello':
      parts.push(event.version, event.cipherSuite, event.group);
      break;
    case 'encrypted-extensions':
      if (event.alpn !== undefined) parts.push(`alpn ${event.alpn}`);
      if (event.recordSizeLimit !== undefined) parts.push(`record_size_limit ${event.recordSizeLimit}`);
      if (event.serverNameAcknowledged) parts.push('sni acknowledged');
      break;
    case 'certificate-request':
      parts.push('server asks for a client certificate');
      break;
    case 'certificate':
      parts.push(plural(event.chainLength, 'certificate'));
      if (event.subject !== undefined) parts.push(`leaf ${event.subject}`);
      break;
    case 'certificate-verified':
      parts.push(event.signatureScheme, event.chainVerified ? `chain verified (${plural(event.path.length, 'certificate')})` : 'chain NOT verified');
      break;
    case 'server-finished':
      parts.push('server Finished checked');
      break;
    case 'client-certificate-sent':
      parts.push(event.empty ? 'empty Certificate (no client certificate)' : 'client certificate and CertificateVerify');
      break;
    case 'client-finished-sent':
      parts.push('client Finished');
      break;
    case 'established':
      parts.push(event.parameters.version, event.parameters.cipherSuite);
      if (event.parameters.alpn !== undefined) parts.push(event.parameters.alpn);
      break;
  }
  return parts.join(' · ');
}

/** Length of the longest usual step name (`encrypted-extensions`, `certificate-verified`). */
const LABEL_WIDTH = 20;

interface Glyphs {
  readonly arrow: Record<StepActor, string>;
  readonly established: string;
  readonly full: string;
  /** Partial cells: index n is n eighths of a cell (index 0 unused). */
  readonly eighths: readonly string[];
  readonly separator: string;
}

const UNICODE: Glyphs = {
  arrow: { client: '→', server: '←', local: '✓' },
  established: '●',
  full: '█',
  eighths: ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'],
  separator: ' · ',
};

const ASCII: Glyphs = {
  arrow: { client: '>', server: '<', local: '+' },
  established: '*',
  full: '#',
  // ASCII has no partial cells: up to half a cell is dropped, more becomes a full one.
  eighths: ['', '', '', '', '#', '#', '#', '#'],
  separator: ' | ',
};

function colourOf(p: Palette, event: HandshakeEvent): (s: string) => string {
  if (event.type === 'established') return (s) => p.bold(p.green(s));
  switch (actorOf(event.type)) {
    case 'client':
      return p.cyan;
    case 'server':
      return p.magenta;
    case 'local':
      return p.yellow;
  }
}

/**
 * A bar from `fromEighths` to `toEighths` (in eighths of a cell). Block elements fill a cell
 * from the left, so a bar starts on a whole cell and its end carries the fraction. A step that
 * took any time at all gets at least the thinnest mark.
 */
function bar(glyphs: Glyphs, fromEighths: number, toEighths: number, barWidth: number): { lead: number; body: string } {
  const lead = Math.min(Math.floor(fromEighths / 8), Math.max(0, barWidth - 1));
  const length = Math.min(Math.max(1, toEighths - lead * 8), (barWidth - lead) * 8);
  let body = glyphs.full.repeat(Math.floor(length / 8)) + (glyphs.eighths[length % 8] ?? '');
  if (body === '') body = glyphs.full; // ASCII: keep a mark for a short step
  return { lead, body };
}

/**
 * Render `events` (in arrival order) as terminal lines, none wider than `options.width`.
 * A step's duration is the time since the previous step (or since `options.start`): for a
 * step the server caused, the wait for its message and the work to process it.
 */
export function renderTimeline(events: readonly HandshakeEvent[], options: TimelineOptions = {}): string[] {
  const p = palette(options.color ?? false);
  const ascii = options.ascii ?? false;
  const glyphs = ascii ? ASCII : UNICODE;
  const width = Math.floor(options.width ?? 80);
  const showDetails = options.details ?? true;
  const first = events[0];
  if (first === undefined) return [p.dim('  (no handshake steps yet)')];

  const start = Math.min(options.start ?? first.at, first.at);
  const offsets = events.map((e) => e.at - start);
  const total = Math.max(...offsets, 0);
  const durations = offsets.map((o, i) => o - (i === 0 ? 0 : offsets[i - 1]!));
  const slowest = durations.indexOf(Math.max(...durations));

  // Columns: "  → label  at  took  bar", leaving the last terminal column free so that a
  // full-width line never wraps.
  // At least as wide as every step of a handshake without client authentication, so that a
  // live redraw keeps its columns still as steps arrive.
  const labelWidth = Math.max(LABEL_WIDTH, ...events.map((e) => e.type.length));
  const timeWidth = 8;
  const prefixWidth = 2 + 1 + 1 + labelWidth + 1 + timeWidth + 1 + timeWidth + 2;
  const barSpace = width - 1 - prefixWidth;
  const barWidth = barSpace >= 8 ? barSpace : 0;
  const eighthsAt = (offset: number): number => (total > 0 ? Math.round((offset / total) * barWidth * 8) : 0);

  const lines: string[] = [];
  lines.push(p.dim(`    ${'step'.padEnd(labelWidth)} ${'at'.padStart(timeWidth)} ${'took'.padStart(timeWidth)}`));
  events.forEach((event, i) => {
    const colour = colourOf(p, event);
    const glyph = event.type === 'established' ? glyphs.established : glyphs.arrow[actorOf(event.type)];
    const at = formatDuration(offsets[i]!).padStart(timeWidth);
    const tookText = formatDuration(durations[i]!).padStart(timeWidth);
    const took = i === slowest && events.length > 1 ? p.bold(tookText) : tookText;
    const row = `  ${colour(glyph)} ${colour(event.type.padEnd(labelWidth))} ${p.dim(at)} ${took}`;
    if (barWidth > 0) {
      const { lead, body } = bar(glyphs, eighthsAt(i === 0 ? 0 : offsets[i - 1]!), eighthsAt(offsets[i]!), barWidth);
      lines.push(`${row}  ${' '.repeat(lead)}${colour(body)}`);
    } else {
      lines.push(row);
    }
    if (showDetails) {
      const detail = describeStep(event).replaceAll(' · ', glyphs.separator);
      if (detail !== '') lines.push(`      ${p.dim(truncate(detail, width - 1 - 6, ascii))}`);
    }
  });

  if (barWidth > 0) {
    // The time axis under the bars: 0 on the left, the total on the right.
    const end = formatDuration(total);
    lines.push(p.dim(`${' '.repeat(prefixWidth)}0${' '.repeat(Math.max(1, barWidth - 1 - end.length))}${end}`));
  }
  return lines;
}

/**
 * One dimmed line explaining the marks and the "took" column, in the glyphs and width
 * `renderTimeline` uses with the same options.
 */
export function timelineLegend(options: Pick<TimelineOptions, 'width' | 'color' | 'ascii'> = {}): string {
  const glyphs = options.ascii ?? false ? ASCII : UNICODE;
  const text = `  ${glyphs.arrow.client} client sent  ${glyphs.arrow.server} server sent  ${glyphs.arrow.local} checked  ${glyphs.established} done   took: since the step before`;
  return palette(options.color ?? false).dim(truncate(text, Math.floor(options.width ?? 80) - 1, options.ascii ?? false));
}
