import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { listTodosQuery } from '#shared/todos/schemas';
import { todoStore } from '#shared/todos/store';
import { listTodos } from '#shared/todos/todos';

export const handler = httpHandler({ query: listTodosQuery }, async ({ query }) =>
  json(200, await listTodos(todoStore, query)),
);
