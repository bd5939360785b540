import { TEST_COUNTER_TABLE, TEST_TODO_TABLE } from '../support/env';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Todo } from '#shared/todos/todo';
import { api as anonymous, apiAs, type ErrorBody } from '../support/http';
import { customerToken, staffToken } from '../support/tokens';

/** Todos are for any signed-in user. */
const api = apiAs(await customerToken(7));
import * as wiring from '#shared/wiring';

const { documents } = wiring.dynamo();

/** Number of todos and the id counter: a rejected request must change neither. */
async function tableState() {
  const count = await documents.send(new ScanCommand({ TableName: TEST_TODO_TABLE, Select: 'COUNT' }));
  const counter = await documents.send(
    new GetCommand({ TableName: TEST_COUNTER_TABLE, Key: { name: 'todo-id' } }),
  );
  return { count: count.Count, counter: counter.Item?.value as number | undefined };
}

const expectError = (res: { status: number; body: unknown }, status: number, code?: string) => {
  expect(res.status).toBe(status);
  const body = res.body as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.message).toEqual(expect.any(String));
  if (code) expect(body.error.code).toBe(code);
};

describe('GET /health', () => {
  it('reports every store ok', async () => {
    const res = await api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      deps: { dynamodb: 'ok', redis: 'ok', mongo: 'ok', legacy: 'ok' },
    });
  });
});

describe('todos through serverless offline', () => {
  it('are for signed-in users: without a token 401, nothing written', async () => {
    const before = await tableState();
    for (const [method, path, body] of [
      ['GET', '/todos', undefined],
      ['POST', '/todos', { title: 'anonymous' }],
      ['GET', '/todos/1', undefined],
      ['PATCH', '/todos/1', { completed: true }],
      ['DELETE', '/todos/1', undefined],
    ] as const) {
      const res = await anonymous<ErrorBody>(method, path, body);
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 401, 'UNAUTHENTICATED']);
    }
    expect(await tableState()).toEqual(before);
  });

  it('runs the whole life of a todo', async () => {
    const created = await api<Todo>('POST', '/todos', { title: 'ship the foundation' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      title: 'ship the foundation',
      completed: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`/todos/${id}`);

    expect((await api('GET', `/todos/${id}`)).body).toEqual(created.body);
    const patched = await api<Todo>('PATCH', `/todos/${id}`, { completed: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...created.body, completed: true });

    const del = await api('DELETE', `/todos/${id}`);
    expect(del.status).toBe(204);
    expectError(await api('GET', `/todos/${id}`), 404, 'NOT_FOUND');
    expectError(await api('DELETE', `/todos/${id}`), 404, 'NOT_FOUND');
  });

  it("keeps a todo its owner's: customer 2 gets 404 on GET, PATCH and DELETE of customer 1's, and never lists it", async () => {
    const one = apiAs(await customerToken(1));
    const two = apiAs(await customerToken(2));
    const staff = apiAs(await staffToken());
    const mine = await one<Todo>('POST', '/todos', { title: 'customer 1 only' });
    const id = mine.body.id;
    for (const other of [two, staff]) {
      expectError(await other('GET', `/todos/${id}`), 404, 'NOT_FOUND');
      expectError(await other('PATCH', `/todos/${id}`, { completed: true }), 404, 'NOT_FOUND');
      expectError(await other('DELETE', `/todos/${id}`), 404, 'NOT_FOUND');
      const listed = await other<{ items: Todo[] }>('GET', '/todos?limit=100');
      expect(listed.body.items.map((t) => t.id)).not.toContain(id);
    }
    expect((await one<Todo>('GET', `/todos/${id}`)).body).toEqual(mine.body);
    const own = await one<{ items: Todo[] }>('GET', '/todos?limit=100');
    expect(own.body.items.map((t) => t.id)).toContain(id);
  });

  it('creates a completed todo when asked', async () => {
    const res = await api<Todo>('POST', '/todos', { title: 'done already', completed: true });
    expect(res.status).toBe(201);
    expect(res.body.completed).toBe(true);
  });

  it('lists todos in pages with a cursor', async () => {
    await Promise.all([1, 2, 3].map((i) => api('POST', '/todos', { title: `page ${i}` })));
    const first = await api<{ items: Todo[]; cursor?: string }>('GET', '/todos?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.cursor).toEqual(expect.any(String));
    const second = await api<{ items: Todo[] }>('GET', `/todos?limit=2&cursor=${first.body.cursor}`);
    expect(second.status).toBe(200);
    const ids = [...first.body.items, ...second.body.items].map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives 200 concurrent POST /todos 200 distinct ids', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api<Todo>('POST', '/todos', { title: `concurrent ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(200);
  });

  describe('bad input: 4xx with the contract error body, nothing written', () => {
    it.each([
      ['non-numeric id', 'GET', '/todos/abc', undefined, 400],
      ['negative id', 'GET', '/todos/-3', undefined, 400],
      ['fractional id', 'PATCH', '/todos/1.5', { completed: true }, 400],
      ['zero id', 'DELETE', '/todos/0', undefined, 400],
      ['missing title', 'POST', '/todos', {}, 400],
      ['empty title', 'POST', '/todos', { title: '' }, 400],
      ['blank title', 'POST', '/todos', { title: '   ' }, 400],
      ['title of the wrong type', 'POST', '/todos', { title: ['x'] }, 400],
      ['completed of the wrong type', 'POST', '/todos', { title: 'x', completed: 'yes' }, 400],
      ['unknown field', 'POST', '/todos', { title: 'x', id: 1 }, 400],
      ['malformed JSON', 'POST', '/todos', '{"title": "x"', 400],
      ['a JSON array', 'POST', '/todos', '[1,2]', 400],
      ['no body', 'POST', '/todos', undefined, 400],
      ['empty PATCH', 'PATCH', '/todos/1', {}, 400],
      ['unknown id on PATCH', 'PATCH', '/todos/999999999', { title: 'ghost' }, 404],
      ['unknown id on DELETE', 'DELETE', '/todos/999999999', undefined, 404],
      ['unknown id on GET', 'GET', '/todos/999999999', undefined, 404],
      ['limit 0', 'GET', '/todos?limit=0', undefined, 400],
      ['negative limit', 'GET', '/todos?limit=-5', undefined, 400],
      ['huge limit', 'GET', '/todos?limit=100000', undefined, 400],
      ['forged cursor', 'GET', '/todos?cursor=eyJpZCI6ImRyb3AifQ', undefined, 400],
    ])('%s -> %s %s is %i', async (_why, method, path, body, status) => {
      const before = await tableState();
      expectError(await api(method, path, body), status);
      expect(await tableState()).toEqual(before);
    });

    it('refuses an oversized body with 413', async () => {
      expectError(await api('POST', '/todos', { title: 'x'.repeat(100_000) }), 413, 'PAYLOAD_TOO_LARGE');
    });
  });
});
