import { defineConfig } from 'vitest/config';

/** Browser journeys: the real built system in headless Chromium. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    // The same guard as the API tests: a journey that writes the repository's agents/ fails.
    setupFiles: ['../api/test/agents-guard.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
