import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRfc8448, traceValue } from '../../src/testing/rfc8448.ts';
import { toHex } from '../../src/bytes/util.ts';

const text = readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8');

describe('RFC 8448 trace parser', () => {
  const steps = parseRfc8448(text);

  it('is the September 2018 build (RFC 8448 content)', () => {
    expect(text).toContain('September 27, 2018');
  });

  it('reads the §3 ClientHello across a page break', () => {
    const ch = traceValue(steps, '3', 'client', 'construct a ClientHello', 'ClientHello');
    expect(ch.length).toBe(196);
    expect(toHex(ch.subarray(0, 6))).toBe('010000c00303');
    expect(toHex(ch.subarray(-6))).toBe('001c00024001');
  });

  it('reads the §3 early secret and the server key pair', () => {
    expect(toHex(traceValue(steps, '3', 'server', 'extract secret "early"', 'secret'))).toBe(
      '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    );
    expect(traceValue(steps, '3', 'server', 'create an ephemeral x25519 key pair', 'private key').length).toBe(32);
  });

  it('finds steps in every section', () => {
    for (const s of ['3', '4', '5', '6', '7']) expect(steps.some((x) => x.section === s)).toBe(true);
  });
});
