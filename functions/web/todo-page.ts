import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { config } from '#shared/platform/config';
import { once } from '#shared/platform/memo';
import { signInOf } from '#shared/web/sign-in';
import { todoPage } from '#shared/web/todo-page';

export const handler = respond(
  routes.todoPage,
  once(() => todoPage(signInOf(config))),
  async (page) => page,
);
