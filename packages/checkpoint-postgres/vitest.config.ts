import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The official conformance suite (@langchain/langgraph-checkpoint-validation) calls
    // describe/it/expect as globals.
    globals: true,
    globalSetup: ['./src/test-support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
