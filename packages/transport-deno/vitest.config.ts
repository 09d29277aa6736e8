// transport-deno's tests run under Deno: vitest itself runs on the Deno binary of the `deno`
// npm package, and so do its workers (globalThis.Deno exists in every test file). From the
// repository root:
//
//   DENO_NO_UPDATE_CHECK=1 node_modules/.bin/deno run -A node_modules/vitest/vitest.mjs run --config packages/transport-deno/vitest.config.ts
//
// The root vitest.config.ts (the Node run) excludes this package.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['packages/transport-deno/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The machine's cores are shared with openssl, Node and Deno peers the tests spawn.
    maxWorkers: 2,
    // CI also writes a JSON summary, which .ci/run adds to the Node run's.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-deno-transport.json' }]] : ['default'],
  },
});
