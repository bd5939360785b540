import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';

/** A handler that does nothing behind the same middleware: the ceiling of the HTTP layer. */
export const handler = httpHandler(routes.ping, async () => json(200, { ok: true }));
