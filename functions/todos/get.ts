import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { todoStore } from '#shared/todos/store';
import { findTodo } from '#shared/todos/todos';

export const handler = httpHandler(routes.getTodo, async ({ params }) =>
  json(200, await findTodo(todoStore, params.id)),
);
