import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { newTodoBody } from '#shared/todos/schemas';
import { todoStore } from '#shared/todos/store';
import { createTodo } from '#shared/todos/todos';

export const handler = httpHandler({ body: newTodoBody }, async ({ body }) => {
  const todo = await createTodo(todoStore, body);
  return json(201, todo, { location: `/todos/${todo.id}` });
});
