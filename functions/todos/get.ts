import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { findTodo } from '#shared/todos/todos';
import { todoStore } from '#shared/wiring';

export const handler = respond(routes.getTodo, todoStore, (store, { params }) => findTodo(store, params.id));
