import { respond } from '#shared/api/handlers';
import { buildOpenApi } from '#shared/api/openapi';
import { routes } from '#shared/api/routes';
import { once } from '#shared/platform/memo';

/** Built once per container from the route table (the same schemas the handlers validate with). */
export const handler = respond(routes.openApi, once(buildOpenApi), async (document) => document);
