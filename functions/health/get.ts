import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { checkHealth } from '#shared/health/health';
import { healthProbes } from '#shared/wiring';

export const handler = respond(routes.health, healthProbes, (probes) => checkHealth(probes));
