import { withMetrics } from '#shared/platform/metrics/metrics';
import { traced } from '#shared/platform/tracer';
import { sweepHotDeals } from '#shared/hotdeals/sweep-all';
import { logger } from '#shared/platform/logger';
import { config } from '#shared/platform/config';
import { sweeperPorts } from '#shared/wiring';

/**
 * The sweeper in AWS, on a schedule (serverless.yml): finishes every hot-deal order left
 * pending past the bound, and checks Redis against the order log (rewriting it where it
 * forgot writes). Locally `npm run sweeper` runs the same pass in a loop.
 */
export const handler = traced(
  withMetrics(async (): Promise<void> => {
    const r = await sweepHotDeals(await sweeperPorts(), {
      pendingMs: config.sweeper.pendingMs,
      reconcile: true,
    });
    logger.info('swept hot deals', { ...r });
  }),
);
