// The unit tier: test files that need no Temporal server, no worker and no gateway, so they run without the
// global setup that starts the Temporal dev server (npm run test:unit). vitest.config.ts runs everything else.
import { defineConfig } from 'vitest/config';

export const UNIT_TESTS = [
  'test/reading-coverage.test.ts',
  'test/understanding.test.ts',
  'test/guard-correct.test.ts',
  'test/guard-adversarial.test.ts',
  'test/metamorphic-variants.test.ts',
  'test/eval-scorer.test.ts',
  'test/catalog.test.ts',
  'test/catalog-openapi.test.ts',
  'test/config.test.ts',
  'test/sandbox.test.ts',
  'test/planner-sanitize.test.ts',
  'test/session-id.test.ts',
  'test/mcp-replies.test.ts',
  'test/workflow-failures.test.ts',
];

export default defineConfig({
  test: {
    include: UNIT_TESTS,
    testTimeout: 60_000,
    pool: 'forks',
    // pure modules: sharing the module cache between files saves most of the run's import time
    isolate: false,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
