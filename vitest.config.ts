import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // Time limits catch a hang, never a slow machine: with a second suite or a build running on the same
    // two cores, a test that spawns the CLI or a server several times took over 30 s (library CLI test).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and databases; two cores.
    maxWorkers: 2,
  },
});
