import type { NewTodo } from '#shared/todos/todo';
import { Random } from './random';

const VERBS = ['Review', 'Migrate', 'Benchmark', 'Document', 'Index', 'Archive', 'Verify', 'Deploy'];
const THINGS = [
  'purchase history',
  'hot-deal stock',
  'CRM service calls',
  'the legacy JOIN',
  'DynamoDB capacity',
  'Redis failover',
  'DocumentDB TLS',
  'Artillery thresholds',
];

/** The seed todos: `count` of them, the same list every time. */
export function seedTodos(count: number, random = new Random()): NewTodo[] {
  return Array.from({ length: count }, (_, i) => ({
    title: `${random.pick(VERBS)} ${random.pick(THINGS)}`,
    completed: i % 3 === 0,
  }));
}
