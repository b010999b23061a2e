import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The conformance suites, for direct runs during kit development. The CLI builds the same
// configuration in code for real runs.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['suites/**/*.suite.ts'],
    globalSetup: ['suites/global-setup.ts'],
    passWithNoTests: true,
    // As in the CLI's runs (cli/vitest-runner.ts): the tests of a file run concurrently.
    sequence: { concurrent: true },
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
