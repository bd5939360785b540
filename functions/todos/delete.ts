import { httpHandler } from '#shared/http/handler';
import { noContent } from '#shared/http/responses';
import { todoIdPath } from '#shared/todos/schemas';
import { todoStore } from '#shared/todos/store';
import { deleteTodo } from '#shared/todos/todos';

export const handler = httpHandler({ params: todoIdPath }, async ({ params }) => {
  await deleteTodo(todoStore, params.id);
  return noContent();
});
