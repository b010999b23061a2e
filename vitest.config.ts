import { defineConfig } from 'vitest/config';

// The project's own tests: `*.test.ts` beside the code they test. The conformance suites
// (`suites/**/*.suite.ts`) run under their own config, driven by the CLI.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.scratch/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
