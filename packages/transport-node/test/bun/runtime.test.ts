// Runs only in the Bun run (vitest.bun.config.ts): proof that the transport-node tests of that
// run executed on Bun, not on Node.
import { expect, it } from 'vitest';

it('the test runtime is bun', () => {
  expect((process.versions as Record<string, string | undefined>)['bun']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(typeof (globalThis as { Bun?: unknown }).Bun).toBe('object');
});
