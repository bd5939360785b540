import { TEST_COUNTER_TABLE, TEST_TODO_TABLE } from '../support/env';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '#shared/platform/errors';
import { createTodo, deleteTodo, findTodo, listTodos, updateTodo, type TodoStore } from '#shared/todos/todos';
import * as wiring from '#shared/wiring';

const { documents } = wiring.dynamo();

const store: TodoStore = { documents, todoTable: TEST_TODO_TABLE, counterTable: TEST_COUNTER_TABLE };
const exists = async (id: number) =>
  (await documents.send(new GetCommand({ TableName: TEST_TODO_TABLE, Key: { id } }))).Item !== undefined;

describe('todos on DynamoDB Local', () => {
  it('creates, reads, updates and deletes a todo', async () => {
    const now = new Date('2026-02-03T04:05:06.000Z');
    const created = await createTodo(store, { title: 'write tests' }, now);
    expect(created).toEqual({
      id: expect.any(Number),
      title: 'write tests',
      completed: false,
      createdAt: now.toISOString(),
    });
    expect(await findTodo(store, created.id)).toEqual(created);

    const done = await updateTodo(store, created.id, { completed: true });
    expect(done).toEqual({ ...created, completed: true });
    const renamed = await updateTodo(store, created.id, { title: 'write more tests' });
    expect(renamed).toEqual({ ...created, completed: true, title: 'write more tests' });

    await deleteTodo(store, created.id);
    await expect(findTodo(store, created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('never upserts: updating or deleting an unknown id is NotFound and writes nothing', async () => {
    const id = 987_654_321;
    await expect(updateTodo(store, id, { title: 'ghost' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTodo(store, id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await exists(id)).toBe(false);
  });

  it('gives 200 concurrent creators 200 distinct ids', async () => {
    const todos = await Promise.all(
      Array.from({ length: 200 }, (_, i) => createTodo(store, { title: `c${i}` })),
    );
    expect(new Set(todos.map((t) => t.id)).size).toBe(200);
    for (const t of todos.slice(0, 5)) expect(await exists(t.id)).toBe(true);
  });

  it('pages through every todo exactly once with opaque cursors', async () => {
    const all = await documents.send(new ScanCommand({ TableName: TEST_TODO_TABLE, Select: 'COUNT' }));
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTodos(store, { limit: 37, cursor });
      expect(page.items.length).toBeLessThanOrEqual(37);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 1000);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(all.Count);
  });

  it('rejects a forged cursor before touching the table', async () => {
    const forged = Buffer.from(JSON.stringify({ id: { S: 'x' } })).toString('base64url');
    await expect(listTodos(store, { limit: 5, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
  });
});
