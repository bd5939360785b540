import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';

/** Who the bearer token says the caller is (also: the cost of verifying one, in the bench). */
export const handler = respond(
  routes.whoAmI,
  () => undefined,
  async (_none, { caller }) => caller,
);
