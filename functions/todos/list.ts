import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { todoStore } from '#shared/todos/store';
import { listTodos } from '#shared/todos/todos';

export const handler = httpHandler(routes.listTodos, async ({ query }) =>
  json(200, await listTodos(todoStore, query)),
);
