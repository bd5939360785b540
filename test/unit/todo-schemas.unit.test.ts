import { describe, expect, it } from 'vitest';
import { listTodosQuery } from '#shared/api/inputs';
import { NewTodo as newTodoBody, TodoChanges as todoChangesBody, TITLE_MAX } from '#shared/todos/todo';

describe('todo request schemas', () => {
  it('trims titles and defaults completed to absent', () => {
    expect(newTodoBody.parse({ title: '  buy milk ' })).toEqual({ title: 'buy milk' });
  });

  it.each([
    ['missing title', {}],
    ['empty title', { title: '' }],
    ['blank title', { title: '   ' }],
    ['title not a string', { title: 42 }],
    ['too long', { title: 'x'.repeat(TITLE_MAX + 1) }],
    ['completed not boolean', { title: 'x', completed: 'yes' }],
    ['unknown field', { title: 'x', id: 5 }],
    ['not an object', ['x']],
    ['null', null],
  ])('rejects a new todo with %s', (_why, body) => {
    expect(newTodoBody.safeParse(body).success).toBe(false);
  });

  it('wants at least one change in a PATCH', () => {
    expect(todoChangesBody.safeParse({}).success).toBe(false);
    expect(todoChangesBody.parse({ completed: true })).toEqual({ completed: true });
  });

  it('bounds the page size', () => {
    expect(listTodosQuery.parse({})).toEqual({ limit: 20 });
    expect(listTodosQuery.parse({ limit: '100' }).limit).toBe(100);
    for (const limit of ['0', '-1', '101', '1e3', 'ten', '']) {
      expect(listTodosQuery.safeParse({ limit }).success).toBe(false);
    }
  });
});
