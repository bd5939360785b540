/**
 * Fills the stores with the deterministic data sets of DESIGN.md (fixed PRNG seed).
 *
 *   npm run seed [-- --scale 0.01] [-- --only todos]
 *
 * --scale multiplies the full-scale counts (1 = full: 100,000 purchases); tests run small.
 * Each data set is seeded once: a store that already holds it is left alone.
 */
import { parseArgs } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { todoStore } from '#shared/todos/store';
import { createTodo } from '#shared/todos/todos';
import { seedTodos } from './seed/todos';

export const DATA_SETS = ['todos'] as const;
export type DataSet = (typeof DATA_SETS)[number];

const TODO_COUNT = 12;

async function seedTodoTable(): Promise<void> {
  const counter = await todoStore.documents.send(
    new GetCommand({ TableName: todoStore.counterTable, Key: { name: 'todo-id' } }),
  );
  if (counter.Item) {
    console.log(`  todos     already seeded (next id after ${String(counter.Item.value)})`);
    return;
  }
  for (const todo of seedTodos(TODO_COUNT))
    await createTodo(todoStore, todo, new Date('2026-01-01T09:00:00Z'));
  console.log(`  todos     ${TODO_COUNT} seeded`);
}

async function main() {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '1' }, only: { type: 'string', multiple: true } },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');
  const only = (values.only ?? [...DATA_SETS]) as DataSet[];
  for (const name of only) if (!DATA_SETS.includes(name)) throw new Error(`unknown data set "${name}"`);
  console.log(`seeding ${only.join(', ')} at scale ${scale}`);
  if (only.includes('todos')) await seedTodoTable();
}

main().catch((err: unknown) => {
  console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
