import { withMetrics } from '#shared/platform/metrics/metrics';
import { traced } from '#shared/platform/tracer';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { toStoredEvent } from '#shared/events/event-store';
import { logger } from '#shared/platform/logger';
import { syncConfirmedOrders } from '#shared/replication/sync-back';
import { legacyDb } from '#shared/wiring';

/**
 * Sync-back in AWS: a second consumer of the events table's stream (beside the read
 * models, with its own retries and failure queue), writing every order confirmed on the
 * new path into the legacy tables. Idempotent per order, so Lambda's retries are safe.
 */
export const handler = traced(
  withMetrics(async (event: DynamoDBStreamEvent): Promise<void> => {
    const events = event.Records.flatMap((r) =>
      r.eventName === 'INSERT' && r.dynamodb?.NewImage
        ? [toStoredEvent(unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>))]
        : [],
    );
    if (events.length === 0) return;
    const r = await syncConfirmedOrders(await legacyDb(), events);
    logger.info('synced back', { events: events.length, applied: r.applied, skipped: r.skipped });
  }),
);
