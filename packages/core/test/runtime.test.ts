// Which runtime runs these tests. vitest.deno.config.ts sets RXTLS_EXPECT_RUNTIME=deno, so a
// run meant for Deno that silently ran on Node (or the reverse) fails here instead of passing.
import { expect, it } from 'vitest';

const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
const expected = process.env.RXTLS_EXPECT_RUNTIME ?? 'node';

it(`the test runtime is ${expected}`, () => {
  const actual = deno !== undefined ? `deno ${deno.version.deno}` : `node ${process.versions.node}`;
  console.log(`rxtls core tests run on ${actual}`);
  if (expected === 'deno') {
    expect(deno?.version.deno).toMatch(/^\d+\.\d+\.\d+/);
    // Deno's Node compatibility layer says so as well.
    expect(process.versions.deno).toBe(deno?.version.deno);
  } else {
    expect(expected).toBe('node');
    expect(deno).toBeUndefined();
    expect(process.versions.deno).toBeUndefined();
    expect(process.versions.node).toMatch(/^\d+\.\d+\.\d+/);
  }
});
