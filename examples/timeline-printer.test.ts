import type { HandshakeEvent, NegotiatedParameters } from '@rxtls/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripAnsi, visibleWidth } from './support/ansi.ts';
import { actorOf, describeStep, formatDuration, renderTimeline, timelineLegend } from './timeline-printer.ts';

const T0 = 1_764_000_000_000.125;

const parameters: NegotiatedParameters = {
  version: 'TLSv1.3',
  cipherSuite: 'TLS_AES_128_GCM_SHA256',
  group: 'x25519',
  signatureScheme: 'ecdsa_secp256r1_sha256',
  alpn: 'http/1.1',
  serverName: 'localhost',
  helloRetry: false,
  peerCertificates: [],
  verifiedPath: ['CN=localhost,O=rxtls demo', 'CN=Intermediate,O=rxtls demo', 'CN=Root,O=rxtls demo'],
};

/** A 1-RTT handshake; offsets in ms from T0. */
const oneRtt: readonly HandshakeEvent[] = [
  { type: 'client-hello-sent', retry: false, serverName: 'localhost', offeredGroups: ['x25519'], offeredSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'], alpn: ['http/1.1'], at: T0 + 0.8 },
  { type: 'server-hello', cipherSuite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', version: 'TLSv1.3', at: T0 + 4.1 },
  { type: 'encrypted-extensions', alpn: 'http/1.1', serverNameAcknowledged: true, at: T0 + 4.3 },
  { type: 'certificate', chainLength: 2, subject: 'CN=localhost,O=rxtls demo', at: T0 + 5.0 },
  { type: 'certificate-verified', signatureScheme: 'ecdsa_secp256r1_sha256', chainVerified: true, path: parameters.verifiedPath, at: T0 + 9.7 },
  { type: 'server-finished', at: T0 + 10.0 },
  { type: 'client-finished-sent', at: T0 + 10.4 },
  { type: 'established', parameters, at: T0 + 10.6 },
];

/** A handshake with a HelloRetryRequest and client authentication (an empty Certificate). */
const retried: readonly HandshakeEvent[] = [
  { type: 'client-hello-sent', retry: false, offeredGroups: ['x25519'], offeredSuites: ['TLS_AES_128_GCM_SHA256'], at: T0 },
  { type: 'hello-retry-request', selectedGroup: 'secp256r1', cookie: true, at: T0 + 2 },
  { type: 'client-hello-sent', retry: true, offeredGroups: ['secp256r1'], offeredSuites: ['TLS_AES_128_GCM_SHA256'], at: T0 + 3 },
  { type: 'server-hello', cipherSuite: 'TLS_AES_128_GCM_SHA256', group: 'secp256r1', version: 'TLSv1.3', at: T0 + 6 },
  { type: 'encrypted-extensions', serverNameAcknowledged: false, at: T0 + 6.5 },
  { type: 'certificate-request', at: T0 + 6.6 },
  { type: 'certificate', chainLength: 1, subject: 'CN=self', at: T0 + 7 },
  { type: 'certificate-verified', signatureScheme: 'rsa_pss_rsae_sha256', chainVerified: false, path: [], at: T0 + 12 },
  { type: 'server-finished', at: T0 + 12.5 },
  { type: 'client-certificate-sent', empty: true, at: T0 + 12.7 },
  { type: 'client-finished-sent', at: T0 + 13 },
  { type: 'established', parameters: { ...parameters, helloRetry: true, group: 'secp256r1', alpn: undefined, verifiedPath: [] }, at: T0 + 13.1 },
];

const BLOCKS = '█▉▊▋▌▍▎▏';
const EIGHTHS: Record<string, number> = { '█': 8, '▉': 7, '▊': 6, '▋': 5, '▌': 4, '▍': 3, '▎': 2, '▏': 1 };

/** The step rows (not details, header or axis), as [type, at, took, bar start column, bar length in eighths]. */
function rows(lines: readonly string[]): { type: string; at: string; took: string; barStart: number; barEighths: number }[] {
  const out = [];
  for (const line of lines.map(stripAnsi)) {
    const m = /^ {2}\S ([a-z-]+) +(\S+ m?s) +(\S+ m?s)(.*)$/.exec(line);
    if (m === null) continue;
    const barText = m[4] ?? '';
    const first = [...barText].findIndex((c) => BLOCKS.includes(c));
    const prefix = line.length - barText.length;
    const eighths = [...barText].reduce((sum, c) => sum + (EIGHTHS[c] ?? 0), 0);
    out.push({ type: m[1]!, at: m[2]!, took: m[3]!, barStart: first === -1 ? -1 : prefix + first, barEighths: eighths });
  }
  return out;
}

describe('renderTimeline', () => {
  it('lists every step in order with when it happened and how long it took', () => {
    const r = rows(renderTimeline(oneRtt, { start: T0 }));
    expect(r.map((x) => x.type)).toEqual(oneRtt.map((e) => e.type));
    // server-hello came 4.1 ms after the start and 3.3 ms after the ClientHello.
    expect(r[1]).toMatchObject({ at: '4.10 ms', took: '3.30 ms' });
    expect(r[0]).toMatchObject({ at: '0.80 ms', took: '0.80 ms' });
    expect(r.at(-1)).toMatchObject({ at: '10.6 ms', took: '0.20 ms' });
  });

  it('without a start, the first step is the origin', () => {
    const r = rows(renderTimeline(oneRtt));
    expect(r[0]).toMatchObject({ at: '0.00 ms', took: '0.00 ms' });
    expect(r[1]).toMatchObject({ at: '3.30 ms', took: '3.30 ms' });
  });

  it('places each bar on a common time axis, its length proportional to the step duration', () => {
    const width = 80;
    const lines = renderTimeline(oneRtt, { start: T0, width });
    const r = rows(lines);
    const total = oneRtt.at(-1)!.at - T0;
    const firstBarColumn = Math.min(...r.map((x) => x.barStart));
    const barWidth = width - 1 - firstBarColumn;
    let previousEnd = 0;
    r.forEach((row, i) => {
      const end = ((oneRtt[i]!.at - T0) / total) * barWidth * 8; // in eighths of a column
      const start = (previousEnd / total) * barWidth * 8;
      // The bar starts on the cell where the previous step ended and ends where this one did.
      expect(row.barStart - firstBarColumn).toBe(Math.min(Math.floor(Math.round(start) / 8), barWidth - 1));
      expect(Math.abs((row.barStart - firstBarColumn) * 8 + row.barEighths - Math.max(end, start + 1))).toBeLessThanOrEqual(1);
      previousEnd = oneRtt[i]!.at - T0;
    });
    // certificate-verified (4.7 ms) > server-hello (3.3 ms) > encrypted-extensions (0.2 ms), which still shows.
    const eighthsOf = (type: string): number => r.find((x) => x.type === type)!.barEighths;
    expect(eighthsOf('certificate-verified')).toBeGreaterThan(eighthsOf('server-hello'));
    expect(eighthsOf('server-hello')).toBeGreaterThan(eighthsOf('encrypted-extensions'));
    expect(eighthsOf('encrypted-extensions')).toBeGreaterThan(0);
    // The axis under the bars ends with the total.
    expect(stripAnsi(lines.at(-1)!).trimEnd()).toMatch(/ 0 +10\.6 ms$/);
  });

  it.each([80, 72, 100, 60, 52])('fits in %i columns with one to spare', (width) => {
    for (const events of [oneRtt, retried]) {
      for (const color of [false, true]) {
        for (const line of renderTimeline(events, { width, color, start: T0 - 500 })) {
          expect(visibleWidth(line)).toBeLessThan(width);
        }
      }
    }
  });

  it('drops the bars when the terminal is too narrow for them', () => {
    const lines = renderTimeline(oneRtt, { width: 52 });
    expect(lines.join('')).not.toMatch(/[█▉▊▋▌▍▎▏]/);
    expect(rows(lines).map((x) => x.type)).toEqual(oneRtt.map((e) => e.type));
  });

  it('says what each step carried', () => {
    const text = renderTimeline(oneRtt).join('\n');
    expect(text).toContain('sni localhost · key share x25519 · alpn http/1.1 · 3 suites');
    expect(text).toContain('TLSv1.3 · TLS_AES_128_GCM_SHA256 · x25519');
    expect(text).toContain('2 certificates · leaf CN=localhost,O=rxtls demo');
    expect(text).toContain('ecdsa_secp256r1_sha256 · chain verified (3 certificates)');
    expect(renderTimeline(oneRtt, { details: false }).join('\n')).not.toContain('sni localhost');
  });

  it('shows a retry, a certificate request and an unverified chain', () => {
    const lines = renderTimeline(retried, { width: 80 });
    const text = lines.join('\n');
    expect(rows(lines).map((x) => x.type)).toEqual(retried.map((e) => e.type));
    expect(text).toContain('server asks for a secp256r1 key share · with a cookie');
    expect(text).toContain('second ClientHello · key share secp256r1');
    expect(text).toContain('server asks for a client certificate');
    expect(text).toContain('chain NOT verified');
    expect(text).toContain('empty Certificate');
  });

  it('marks who acted: arrows for the client and the server, a check for local verification', () => {
    const plain = renderTimeline(oneRtt).map(stripAnsi);
    expect(plain.find((l) => l.includes('client-hello-sent'))).toMatch(/^ {2}→ /);
    expect(plain.find((l) => l.includes('server-hello'))).toMatch(/^ {2}← /);
    expect(plain.find((l) => l.includes('certificate-verified'))).toMatch(/^ {2}✓ /);
    expect(plain.find((l) => l.includes('established'))).toMatch(/^ {2}● /);
  });

  it('colours only when asked, and colour changes nothing but the escape codes', () => {
    const plain = renderTimeline(retried, { start: T0 });
    const coloured = renderTimeline(retried, { start: T0, color: true });
    expect(plain.join('\n')).not.toContain('\x1b');
    expect(coloured.map(stripAnsi)).toEqual(plain);
    const line = (type: string): string => coloured.find((l) => stripAnsi(l).includes(` ${type} `))!;
    expect(line('client-hello-sent')).toContain('\x1b[36m'); // client: cyan
    expect(line('server-hello')).toContain('\x1b[35m'); // server: magenta
    expect(line('certificate-verified')).toContain('\x1b[33m'); // local check: yellow
    expect(line('established')).toContain('\x1b[32m'); // done: green
  });

  it('can stay within ASCII', () => {
    const text = renderTimeline(retried, { ascii: true, width: 80 }).join('\n');
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('#');
  });

  it('handles no events, one event and equal timestamps', () => {
    expect(renderTimeline([]).map(stripAnsi)).toEqual(['  (no handshake steps yet)']);
    const one = renderTimeline(oneRtt.slice(0, 1)).join('\n');
    expect(one).not.toMatch(/NaN|Infinity/);
    expect(rows(renderTimeline(oneRtt.slice(0, 1)))).toHaveLength(1);
    const same = oneRtt.map((e) => ({ ...e, at: T0 }));
    expect(renderTimeline(same).join('\n')).not.toMatch(/NaN|Infinity/);
  });

  it('redraws with steady columns as steps arrive (a live view)', () => {
    // Where the "at" column ends on every step row, over every prefix of the event list.
    const ends = new Set<number>();
    for (let n = 1; n <= oneRtt.length; n++) {
      for (const line of renderTimeline(oneRtt.slice(0, n), { start: T0 }).map(stripAnsi)) {
        if (/^ {2}\S [a-z]/.test(line)) ends.add(line.indexOf(' ms') + 3);
      }
    }
    expect(ends.size).toBe(1);
  });
});

describe('timelineLegend', () => {
  it('explains the same marks the rows use, within the width', () => {
    expect(timelineLegend()).toContain('→ client sent');
    expect(timelineLegend()).toContain('took: since the step before');
    expect(timelineLegend({ ascii: true })).toMatch(/^[\x20-\x7e]*$/);
    expect(timelineLegend({ ascii: true })).toContain('> client sent');
    for (const width of [80, 60]) expect(visibleWidth(timelineLegend({ width, color: true }))).toBeLessThan(width);
  });
});

describe('describeStep / actorOf', () => {
  it('every step has an actor, and a description unless it carried nothing', () => {
    for (const e of [...oneRtt, ...retried]) {
      expect(['client', 'server', 'local']).toContain(actorOf(e.type));
      const empty = e.type === 'encrypted-extensions' && e.alpn === undefined && e.recordSizeLimit === undefined && !e.serverNameAcknowledged;
      expect(describeStep(e) === '').toBe(empty);
    }
  });
});

describe('formatDuration', () => {
  it('keeps about three significant digits', () => {
    expect(formatDuration(0.414)).toBe('0.41 ms');
    expect(formatDuration(12.34)).toBe('12.3 ms');
    expect(formatDuration(250.4)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(-3)).toBe('0.00 ms');
    expect(formatDuration(Number.NaN)).toBe('0.00 ms');
  });

  it('is at most 8 columns for anything under a day, and never goes down as time goes up', () => {
    const value = (s: string): number => Number.parseFloat(s) * (s.endsWith(' s') ? 1000 : 1);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 86_400_000, noNaN: true }), fc.double({ min: 0, max: 86_400_000, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(formatDuration(lo).length).toBeLessThanOrEqual(8);
        expect(formatDuration(lo)).toMatch(/^\d+(\.\d+)? m?s$/);
        expect(value(formatDuration(lo))).toBeLessThanOrEqual(value(formatDuration(hi)));
      }),
    );
  });
});
