import { buildOpenApi } from '#shared/api/openapi';
import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';

/** Built once per container from the route table (the same schemas the handlers validate with). */
const document = buildOpenApi();

export const handler = httpHandler(routes.openApi, async () => json(200, document));
