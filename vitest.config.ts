import { defineConfig } from 'vitest/config';

/**
 * Three tiers a reader can see by file name:
 *   *.unit.test.ts  pure code, no I/O
 *   *.int.test.ts   domain code against the real local stack (DynamoDB Local, redis, ...)
 *   *.e2e.test.ts   HTTP through serverless offline, and the browser
 *   *.deploy.test.ts  the packaged CloudFormation template (serverless package, cfn-lint)
 */
export default defineConfig({
  test: {
    // Quiet logs in tests; the e2e server logs warnings (test/support/offline-setup.ts).
    // Metrics of the tests' own functions go to a file of their own (test/support/env.ts).
    env: { LOG_LEVEL: 'SILENT', STAGE: 'local', OSHOP_METRICS_FILE: '.local/metrics/emf-test.jsonl' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.unit.test.ts'] } },
      {
        extends: true,
        test: { name: 'deploy', include: ['test/deploy/**/*.deploy.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/int/**/*.int.test.ts'],
          globalSetup: ['test/support/stack-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/support/stack-setup.ts', 'test/support/offline-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
