import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { noContent } from '#shared/http/responses';
import { todoStore } from '#shared/todos/store';
import { deleteTodo } from '#shared/todos/todos';

export const handler = httpHandler(routes.deleteTodo, async ({ params }) => {
  await deleteTodo(todoStore, params.id);
  return noContent();
});
