import { withMetrics } from '#shared/platform/metrics/metrics';
import { traced } from '#shared/platform/tracer';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { toStoredEvent } from '#shared/events/event-store';
import { logger } from '#shared/platform/logger';
import { projectAll } from '#shared/projections/project-all';
import { readModelTargets } from '#shared/wiring';

/**
 * The read side in AWS: the events table's DynamoDB Stream, in batches. Applying is
 * idempotent per stream position, so a failed batch is simply thrown back: Lambda retries
 * it (bisecting it to isolate a poison event) and, after the last retry, sends its
 * description to the failure queue (serverless.yml). Nothing is applied twice on retry.
 */
export const handler = traced(
  withMetrics(async (event: DynamoDBStreamEvent): Promise<void> => {
    const events = event.Records.flatMap((r) =>
      r.eventName === 'INSERT' && r.dynamodb?.NewImage
        ? [toStoredEvent(unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>))]
        : [],
    );
    if (events.length === 0) return;
    const r = await projectAll(readModelTargets(), events);
    logger.info('projected', { events: events.length, applied: r.applied, skipped: r.skipped });
  }),
);
