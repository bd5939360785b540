import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { TODO_PAGE } from '#shared/web/todo-page';

export const handler = respond(
  routes.todoPage,
  () => TODO_PAGE,
  async (page) => page,
);
