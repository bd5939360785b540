import { ownerOf, respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { deleteTodo } from '#shared/todos/todos';
import { todoStore } from '#shared/wiring';

export const handler = respond(routes.deleteTodo, todoStore, (store, { params, caller }) =>
  deleteTodo(store, ownerOf(caller), params.id),
);
