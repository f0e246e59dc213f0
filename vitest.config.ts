import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One line saying the HTML report's browser tests are skipped, when no Chromium is found.
    globalSetup: ['test/report/html/browserTestsNotice.ts'],
  },
});
