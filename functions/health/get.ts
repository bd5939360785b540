import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { checkHealth } from '#shared/health/health';
import { healthDeps } from '#shared/wiring';

export const handler = respond(routes.health, healthDeps, (deps) => checkHealth(deps));
