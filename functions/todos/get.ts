import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { todoIdPath } from '#shared/todos/schemas';
import { todoStore } from '#shared/todos/store';
import { findTodo } from '#shared/todos/todos';

export const handler = httpHandler({ params: todoIdPath }, async ({ params }) =>
  json(200, await findTodo(todoStore, params.id)),
);
