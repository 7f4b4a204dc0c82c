import { defineConfig } from '@playwright/test';

/**
 * Two projects: `web` drives the built renderer in Debian's Chromium through
 * the web host (runs everywhere); `electron` drives the real app through
 * `_electron.launch` and reports itself skipped, with the reason, where no
 * Electron binary is installed.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // Big fixtures (the 100,000-track library) are built here, once per run, outside the tests' timeouts.
  globalSetup: './tests/e2e/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  projects: [
    { name: 'web', testMatch: /.*\.web\.spec\.ts/ },
    { name: 'electron', testMatch: /.*\.electron\.spec\.ts/ },
  ],
});
