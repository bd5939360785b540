import { withMetrics } from '#shared/platform/metrics/metrics';
import { traced } from '#shared/platform/tracer';
import type { KinesisStreamEvent } from 'aws-lambda';
import { logger } from '#shared/platform/logger';
import { applyChangeWork } from '#shared/replication/apply';
import { planChanges } from '#shared/replication/changes';
import { decodeKinesisData } from '#shared/replication/dms-records';
import { changeApplyTargets } from '#shared/wiring';

/**
 * Change capture in AWS: the DMS task's records from Kinesis, applied by the same code as
 * `npm run migrate -- --follow` locally (each changed key read again from the legacy
 * database and written whole, so a retried batch rewrites the same state). A failing batch
 * is thrown back: Lambda retries it, bisecting, and the stream's position (the
 * checkpoint) moves only past what was applied.
 */
export const handler = traced(
  withMetrics(async (event: KinesisStreamEvent): Promise<void> => {
    const changes = event.Records.flatMap((r) => {
      const change = decodeKinesisData(r.kinesis.data);
      return change ? [change] : [];
    });
    const work = planChanges(changes);
    const stats = await applyChangeWork(await changeApplyTargets(), work);
    logger.info('legacy changes applied', {
      records: event.Records.length,
      changes: changes.length,
      ...stats,
    });
  }),
);
