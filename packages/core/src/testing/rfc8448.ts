/**
 * A parser for the RFC 8448 trace text (the September 2018 build of
 * draft-ietf-tls-tls13-vectors, which is RFC 8448's content). It keeps the RFC as
 * text and turns it into steps of labelled byte strings, the way Go's crypto/tls keeps
 * its vectors.
 *
 * A step is one `{client}` or `{server}` paragraph, e.g.
 *   `{client}  construct a ClientHello handshake message` with value `ClientHello`.
 */
import { fromHex } from '../bytes/util.ts';

export interface TraceStep {
  /** Section number of the RFC ("3" = Simple 1-RTT, "4" = resumed 0-RTT, "5" = HRR, "6" = client auth, "7" = compatibility mode). */
  readonly section: string;
  readonly actor: 'client' | 'server';
  /** The step's text after the actor, whitespace folded: `construct a ClientHello handshake message`. */
  readonly title: string;
  /** Labelled values in the order they appear; a label can occur once per step. */
  readonly values: ReadonlyMap<string, Uint8Array>;
}

const PAGE_NOISE = /^(Thomson\s+Expires|Internet-Draft\s+TLS 1\.3 Traces)|^\f/;
const SECTION = /^(\d+)\.\s+\S/;
const STEP = /^ {3}\{(client|server)\}\s+(.*)$/;
const VALUE = /^ {6}(\S[^:]*?)(?: \(\d+ octets\))?:\s+(.*)$/;
const HEX_CONT = /^ {9}([0-9a-f]{2}( [0-9a-f]{2})*)\s*$/;

/** Parse the whole trace text into steps. */
export function parseRfc8448(text: string): TraceStep[] {
  const lines = text.split('\n').filter((l) => !PAGE_NOISE.test(l));
  const steps: TraceStep[] = [];
  let section = '';
  let current: { section: string; actor: 'client' | 'server'; titleParts: string[]; values: Map<string, string>; inTitle: boolean } | undefined;
  let lastLabel: string | undefined;

  const flush = (): void => {
    if (!current) return;
    const values = new Map<string, Uint8Array>();
    for (const [k, v] of current.values) {
      const hex = v.trim();
      if (/^([0-9a-f]{2})( [0-9a-f]{2})*$/.test(hex)) values.set(k, fromHex(hex));
    }
    steps.push({ section: current.section, actor: current.actor, title: current.titleParts.join(' ').replace(/\s+/g, ' ').trim(), values });
    current = undefined;
  };

  for (const line of lines) {
    const sec = SECTION.exec(line);
    if (sec) {
      flush();
      section = sec[1]!;
      continue;
    }
    const step = STEP.exec(line);
    if (step) {
      flush();
      current = { section, actor: step[1] as 'client' | 'server', titleParts: [step[2]!], values: new Map(), inTitle: true };
      lastLabel = undefined;
      continue;
    }
    if (!current) continue;
    if (line.trim() === '') {
      current.inTitle = false;
      continue;
    }
    if (current.inTitle && /^ {13}\S/.test(line)) {
      current.titleParts.push(line.trim());
      continue;
    }
    const value = VALUE.exec(line);
    if (value) {
      lastLabel = value[1]!;
      current.values.set(lastLabel, value[2]!);
      continue;
    }
    const cont = HEX_CONT.exec(line);
    if (cont && lastLabel !== undefined) {
      current.values.set(lastLabel, `${current.values.get(lastLabel)} ${cont[1]}`);
    }
  }
  flush();
  return steps;
}

/**
 * Find the one step in `section` by `actor` whose title starts with `titlePrefix`
 * (the `n`th such step when several match) and return its value `label`.
 */
export function traceValue(steps: readonly TraceStep[], section: string, actor: 'client' | 'server', titlePrefix: string, label: string, n = 0): Uint8Array {
  const matches = steps.filter((s) => s.section === section && s.actor === actor && s.title.startsWith(titlePrefix));
  const step = matches[n];
  if (!step) throw new Error(`rfc8448: no step #${n} "${titlePrefix}" by ${actor} in section ${section}`);
  const v = step.values.get(label);
  if (!v) throw new Error(`rfc8448: step "${step.title}" has no value "${label}" (has ${[...step.values.keys()].join(', ')})`);
  return v;
}
