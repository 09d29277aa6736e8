// Core's tests under Deno, from the repository root:
//   DENO_NO_UPDATE_CHECK=1 node_modules/.bin/deno run -A node_modules/vitest/vitest.mjs run --config packages/core/vitest.deno.config.ts
// vitest's main process and its forked workers are then Deno (Deno's child_process.fork starts
// Deno), so the same test files prove that core and its dependencies run there too.
// Deno has Map.groupBy, so the polyfill of the root config (for Node 20) is not needed here.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Paths below are the repository root's, whatever the working directory.
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['packages/core/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // test/runtime.test.ts checks that the workers really are Deno.
    env: { RXTLS_EXPECT_RUNTIME: 'deno' },
    // CI also writes a JSON summary, which .ci/run counts beside the Node run's.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-deno-core.json' }]] : ['default'],
  },
});
