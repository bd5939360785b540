import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';

/** A handler that does nothing behind the same pipeline: the ceiling of the HTTP layer. */
export const handler = respond(
  routes.ping,
  () => undefined,
  async () => ({ ok: true as const }),
);
