import { defineConfig } from 'vitest/config';

// `npm run e2e:kernel`: the real-kernel end-to-end run (test/e2e/*.e2e.ts), kept out of `npm test`
// (vitest.config.ts) because its kernel builds do not fit CI's time on 2 cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 3 * 3600_000,
    // removing a temp folder that holds kernel worktrees and build folders takes minutes
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
  },
});
