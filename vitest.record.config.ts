import { defineConfig } from 'vitest/config';

// `npm run record-histories`: regenerates test/histories/*.json from the current workflow code.
export default defineConfig({
  test: {
    globalSetup: ['./test/helpers/global-setup.ts'],
    include: ['test/record/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
