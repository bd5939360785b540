import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { config } from '#shared/platform/config';
import { NotFoundError } from '#shared/platform/errors';
import { once } from '#shared/platform/memo';
import { emfFollower } from '#shared/ops/emf-file';

/** The operations page's figures: the local EMF file, followed as it grows (per container). */
const follow = once(() =>
  config.isLocal && config.metrics.file ? emfFollower(config.metrics.file) : undefined,
);

export const handler = respond(
  routes.opsMetrics,
  () => follow(),
  async (read) => {
    if (!read) throw new NotFoundError('No operations page on this stage: see the CloudWatch dashboard');
    return read().snapshot(Date.now());
  },
);
