// The integration tier: every test file not in the unit tier, with a real Temporal dev server started once
// by the global setup (npm run test:integration; npm test runs lint, the unit tier, then this).
import { defineConfig } from 'vitest/config';
import { UNIT_TESTS } from './vitest.unit.config.js';

export default defineConfig({
  test: {
    globalSetup: ['./test/helpers/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // recording histories is a deliberate act (npm run record-histories), never part of a test run
    exclude: ['test/record/**', '**/node_modules/**', ...UNIT_TESTS],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
