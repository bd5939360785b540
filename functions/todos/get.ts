import { ownerOf, respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { findTodo } from '#shared/todos/todos';
import { todoStore } from '#shared/wiring';

export const handler = respond(routes.getTodo, todoStore, (store, { params, caller }) =>
  findTodo(store, ownerOf(caller), params.id),
);
