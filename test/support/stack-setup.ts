import { execFileSync } from 'node:child_process';
import { TEST_COUNTER_TABLE, TEST_TODO_TABLE } from './env';

/** Starts the local stack (idempotent) and creates the test tables before int/e2e tests. */
export default async function setup(): Promise<void> {
  execFileSync('bash', ['scripts/stack.sh', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { dynamodb } = await import('#shared/clients/dynamodb');
  const { counterTable, ensureTable, todoTable } = await import('../../scripts/schema/dynamodb');
  await ensureTable(dynamodb, todoTable(TEST_TODO_TABLE));
  await ensureTable(dynamodb, counterTable(TEST_COUNTER_TABLE));
}
