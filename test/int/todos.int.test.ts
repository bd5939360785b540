import { TEST_COUNTER_TABLE, TEST_TODO_TABLE } from '../support/env';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '#shared/platform/errors';
import { createTodo, deleteTodo, findTodo, listTodos, updateTodo, type TodoStore } from '#shared/todos/todos';
import * as wiring from '#shared/wiring';

const { documents } = wiring.dynamo();

/** The signed-in user these tests act as (a token's subject). */
const ME = 'todo-tester';
const store: TodoStore = { documents, todoTable: TEST_TODO_TABLE, counterTable: TEST_COUNTER_TABLE };
const exists = async (id: number) =>
  (await documents.send(new GetCommand({ TableName: TEST_TODO_TABLE, Key: { id } }))).Item !== undefined;

describe('todos on DynamoDB Local', () => {
  it('creates, reads, updates and deletes a todo', async () => {
    const now = new Date('2026-02-03T04:05:06.000Z');
    const created = await createTodo(store, ME, { title: 'write tests' }, now);
    expect(created).toEqual({
      id: expect.any(Number),
      title: 'write tests',
      completed: false,
      createdAt: now.toISOString(),
    });
    expect(await findTodo(store, ME, created.id)).toEqual(created);

    const done = await updateTodo(store, ME, created.id, { completed: true });
    expect(done).toEqual({ ...created, completed: true });
    const renamed = await updateTodo(store, ME, created.id, { title: 'write more tests' });
    expect(renamed).toEqual({ ...created, completed: true, title: 'write more tests' });

    await deleteTodo(store, ME, created.id);
    await expect(findTodo(store, ME, created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('never upserts: updating or deleting an unknown id is NotFound and writes nothing', async () => {
    const id = 987_654_321;
    await expect(updateTodo(store, ME, id, { title: 'ghost' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTodo(store, ME, id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await exists(id)).toBe(false);
  });

  it('gives 200 concurrent creators 200 distinct ids', async () => {
    const todos = await Promise.all(
      Array.from({ length: 200 }, (_, i) => createTodo(store, `load-${i % 4}`, { title: `c${i}` })),
    );
    expect(new Set(todos.map((t) => t.id)).size).toBe(200);
    for (const t of todos.slice(0, 5)) expect(await exists(t.id)).toBe(true);
  });

  it("pages through every one of the caller's own todos exactly once, and no one else's", async () => {
    const owner = `pager-${randomUUID()}`;
    const mine = await Promise.all(
      Array.from({ length: 90 }, (_, i) => createTodo(store, owner, { title: `p${i}` })),
    );
    await createTodo(store, `other-${randomUUID()}`, { title: 'not theirs' });
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTodos(store, owner, { limit: 37, cursor });
      expect(page.items.length).toBeLessThanOrEqual(37);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 1000);
    expect(seen).toEqual(mine.map((t) => t.id).sort((a, b) => a - b));
  });

  it("keeps a todo its owner's: another user gets 404 on get, update and delete, never lists it, and cannot use the owner's cursor", async () => {
    const [alice, bob] = [`alice-${randomUUID()}`, `bob-${randomUUID()}`];
    const todo = await createTodo(store, alice, { title: 'private' });
    await createTodo(store, alice, { title: 'private too' });
    await expect(findTodo(store, bob, todo.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateTodo(store, bob, todo.id, { completed: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTodo(store, bob, todo.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listTodos(store, bob, { limit: 50 })).items).toEqual([]);
    const first = await listTodos(store, alice, { limit: 1 });
    await expect(listTodos(store, bob, { limit: 1, cursor: first.cursor })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await findTodo(store, alice, todo.id)).toEqual(todo);
  });

  it('rejects a forged cursor before touching the table', async () => {
    const forged = Buffer.from(JSON.stringify({ id: { S: 'x' } })).toString('base64url');
    await expect(listTodos(store, ME, { limit: 5, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
  });
});
