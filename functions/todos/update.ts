import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { todoChangesBody, todoIdPath } from '#shared/todos/schemas';
import { todoStore } from '#shared/todos/store';
import { updateTodo } from '#shared/todos/todos';

export const handler = httpHandler({ params: todoIdPath, body: todoChangesBody }, async ({ params, body }) =>
  json(200, await updateTodo(todoStore, params.id, body)),
);
