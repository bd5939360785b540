import { ownerOf, respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { createTodo } from '#shared/todos/todos';
import { todoStore } from '#shared/wiring';

export const handler = respond(
  routes.createTodo,
  todoStore,
  (store, { body, caller }) => createTodo(store, ownerOf(caller), body),
  {
    headers: (todo) => ({ location: `/todos/${todo.id}` }),
  },
);
