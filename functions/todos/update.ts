import { ownerOf, respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { updateTodo } from '#shared/todos/todos';
import { todoStore } from '#shared/wiring';

export const handler = respond(routes.updateTodo, todoStore, (store, { params, body, caller }) =>
  updateTodo(store, ownerOf(caller), params.id, body),
);
