import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { config } from '#shared/platform/config';
import { once } from '#shared/platform/memo';
import { crmPage } from '#shared/web/crm-page';
import { signInOf } from '#shared/web/sign-in';

export const handler = respond(
  routes.crmPage,
  once(() => crmPage(signInOf(config))),
  async (page) => page,
);
