// The transport-node tests that matter on Bun, run by vitest *on Bun* (`pnpm test:bun`): interop
// with openssl in both roles, backpressure, closing, errors and the observables. Bun's
// child_process lacks what vitest's forks pool needs (`channel.unref`), so this run uses worker
// threads. The CLI and the demo run on Bun from the Node run (packages/cli/test/support/
// runtimes.ts, examples/demo.test.ts). packages/transport-node/test/bun/runtime.test.ts proves
// the runtime.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/transport-node/test/bun/**/*.test.ts',
      'packages/transport-node/test/interop-openssl.test.ts',
      'packages/transport-node/test/server/interop-server.test.ts',
      'packages/transport-node/test/socket/backpressure.test.ts',
      'packages/transport-node/test/socket/close.test.ts',
      'packages/transport-node/test/socket/errors.test.ts',
      'packages/transport-node/test/socket/observables.test.ts',
      'packages/transport-node/test/tls-server.test.ts',
      'packages/transport-node/test/tls12/openssl.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'threads',
    // One file at a time: worker threads share the process, and the backpressure test bounds
    // the process's RSS, which a neighbouring file would inflate.
    fileParallelism: false,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-bun.json' }]] : ['default'],
  },
});
