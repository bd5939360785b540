import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { devIssuerOf, signDevToken } from '#shared/platform/auth/dev-issuer';
import { config } from '#shared/platform/config';
import { NotFoundError } from '#shared/platform/errors';

/**
 * The local dev issuer's sign-in (the pages' sign-in form; npm run token is the same
 * issuer). Only the local stage has one: serverless.yml leaves this function out of any
 * other stage, and here it answers 404 wherever tokens are not its own.
 */
export const handler = respond(
  routes.issueDevToken,
  () => devIssuerOf(config.auth),
  async (issuer, { body }) => {
    if (!issuer) throw new NotFoundError('No dev issuer on this stage: sign in with the Cognito user pool');
    return signDevToken(issuer, {
      roles: [body.role],
      ...(body.role === 'customer' ? { customerId: body.customerId } : {}),
    });
  },
);
