import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { todoStore } from '#shared/todos/store';
import { createTodo } from '#shared/todos/todos';

export const handler = httpHandler(routes.createTodo, async ({ body }) => {
  const todo = await createTodo(todoStore, body);
  return json(201, todo, { location: `/todos/${todo.id}` });
});
