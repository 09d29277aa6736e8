import { defineConfig } from 'vitest/config';

// Node 20 lacks Map.groupBy, which vitest 5's default reporter uses to print failures.
// This config runs in the main process, where the reporter lives.
if (typeof (Map as unknown as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const out = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
    configurable: true,
    writable: true,
  });
}

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/fuzz/**/*.test.ts', 'examples/**/*.test.ts'],
    // transport-deno's tests run under Deno (packages/transport-deno/vitest.config.ts).
    // transport-node/test/bun/ runs only on Bun (vitest.bun.config.ts).
    exclude: ['**/node_modules/**', 'packages/transport-deno/**', 'packages/transport-node/test/bun/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI also writes a JSON summary, from which .ci/run prints a plain 'N passed, N failed' line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest.json' }]] : ['default'],
  },
});
