import { ownerOf, respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { listTodos } from '#shared/todos/todos';
import { todoStore } from '#shared/wiring';

export const handler = respond(routes.listTodos, todoStore, (store, { query, caller }) =>
  listTodos(store, ownerOf(caller), query),
);
