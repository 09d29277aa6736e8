// CI's bounded fuzzing: every Jazzer.js target runs from the committed seeds for a few seconds
// (`pnpm fuzz --time 8 --fresh`); a crash, an untyped exception or a hang (10 s on one input)
// fails it. Long runs are `pnpm fuzz`. Node only: Jazzer's libFuzzer is a Node addon.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TARGETS = readdirSync(fileURLToPath(new URL('./targets/', import.meta.url))).map((f) => f.replace(/\.ts$/, ''));
const SECONDS = Number(process.env['RXTLS_FUZZ_SECONDS'] ?? 8);

describe('Jazzer.js fuzzing, bounded', () => {
  it(`runs every target (${TARGETS.join(', ')}) for ${SECONDS} s without a finding`, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'packages/core/fuzz/run.ts'), '--time', String(SECONDS), '--fresh'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 * TARGETS.length });
    const out = `${r.stdout}${r.stderr}`;
    console.log(r.stdout);
    expect(r.status, out.slice(-4000)).toBe(0);
    for (const target of TARGETS) {
      const line = new RegExp(`^${target}\\s+ok\\s+(\\d+) runs`, 'm').exec(r.stdout);
      expect(line, `${target} did not report`).not.toBeNull();
      expect(Number(line![1])).toBeGreaterThan(0);
    }
  }, 120_000 * TARGETS.length);
});
