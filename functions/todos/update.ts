import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { todoStore } from '#shared/todos/store';
import { updateTodo } from '#shared/todos/todos';

export const handler = httpHandler(routes.updateTodo, async ({ params, body }) =>
  json(200, await updateTodo(todoStore, params.id, body)),
);
