// The fuzz targets replayed on their committed corpus (seeds, and every finding kept as a
// regression in fuzz/regressions/): each input ends without an untyped exception. Runs on
// Node and on Deno with the rest of core's suite; Jazzer itself runs in jazzer.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz as engine, run as runEngine } from '../../fuzz/targets/engine.ts';
import { fuzz as handshakeMessages } from '../../fuzz/targets/handshake-messages.ts';
import { fuzz as recordLayer } from '../../fuzz/targets/record-layer.ts';
import { fuzz as x509 } from '../../fuzz/targets/x509.ts';

const FUZZ = fileURLToPath(new URL('../../fuzz/', import.meta.url));
const TARGETS: Record<string, (data: Uint8Array) => void | Promise<void>> = {
  engine,
  'handshake-messages': handshakeMessages,
  'record-layer': recordLayer,
  x509,
};

function inputs(kind: 'corpus' | 'regressions', target: string): [string, Uint8Array][] {
  const dir = join(FUZZ, kind, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]);
}

describe.each(Object.keys(TARGETS))('fuzz target %s', (target) => {
  it('has a seed corpus, and every seed and regression input ends in a typed outcome', async () => {
    const seeds = inputs('corpus', target);
    expect(seeds.length).toBeGreaterThan(0);
    for (const [, data] of [...seeds, ...inputs('regressions', target)]) await TARGETS[target]!(data);
  });
});

describe('the engine seeds start deep', () => {
  it('the recorded conversations complete the handshake and carry data, in every chunking, for both roles', () => {
    for (const [name, data] of inputs('corpus', 'engine').filter(([n]) => /-(whole|bytewise|by7|by200)$/.test(n))) {
      const conn = runEngine(data)!;
      expect(conn.negotiated, name).toBeDefined();
      expect(conn.receivedCloseNotify, name).toBe(true);
    }
  });
});
