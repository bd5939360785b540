import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRequestError, type DynamoWrites } from '../platform/clients/dynamodb-http';
import { batchGetItems, queryAll, scanAll, WHOLE_TABLE_SEGMENTS } from '../platform/clients/dynamodb-pages';

import {
  SCHEMA_VERSION,
  WrongExpectedVersionError,
  logOrder,
  type EventReader,
  type EventShape,
  type EventStore,
  type StoredEvent,
  type StreamAppend,
} from './event';

export * from './event';

/** The event log on DynamoDB: one item per event, keyed by stream id and version. */

/** DynamoDB allows 100 items per transaction. */
const MAX_ITEMS_PER_TRANSACTION = 100;

/** The events table's item (snake_case, as the other tables). */
export interface EventItem {
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  payload: Record<string, unknown>;
  recorded_at: string;
  schema_version: number;
}

/**
 * An item as the event it holds. Typed by the store's union on trust: every append's
 * payload was parsed on its way in (order-events.ts newEvent); readers that fold history
 * written by older code parse it (parseOrderEvent).
 */
export const toStoredEvent = <E extends EventShape = EventShape>(
  item: Record<string, unknown>,
): StoredEvent<E> => {
  const i = item as unknown as EventItem;
  const event: StoredEvent = {
    streamId: i.stream_id,
    version: Number(i.version),
    eventId: i.event_id,
    type: i.type,
    payload: i.payload,
    recordedAt: i.recorded_at,
    schemaVersion: Number(i.schema_version),
  };
  return event as StoredEvent<E>;
};

/** The log on DynamoDB, read only. */
export function dynamoEventReader<E extends EventShape = EventShape>(
  documents: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
): EventReader<E> {
  return {
    async readStream(streamId, fromVersion = 1) {
      const items = await queryAll(documents, {
        TableName: table,
        KeyConditionExpression: 'stream_id = :s AND version >= :v',
        ExpressionAttributeValues: { ':s': streamId, ':v': fromVersion },
        ConsistentRead: true,
      });
      return items.map((i) => toStoredEvent<E>(i));
    },
    async readAt(positions) {
      const keys = positions.map((p) => ({ stream_id: p.streamId, version: p.version }));
      return (await batchGetItems(documents, table, keys)).map((i) => toStoredEvent<E>(i));
    },
  };
}

/**
 * The log on DynamoDB: reads (paged, off the order's critical path) through the SDK's
 * document client, appends through the lean signed writes (../platform/clients/dynamodb-http:
 * an order's claim, outcome and payment record are its only DynamoDB requests).
 */
export function dynamoEventStore<E extends EventShape = EventShape>(
  documents: Pick<DynamoDBDocumentClient, 'send'>,
  writes: DynamoWrites,
  table: string,
  clock: () => Date = () => new Date(),
): EventStore<E> {
  const reader = dynamoEventReader<E>(documents, table);
  const store: EventStore<E> = {
    ...reader,
    // One position (the order's check of its stock setting): one lean consistent GetItem.
    async readAt(positions) {
      const [only] = positions;
      if (positions.length !== 1 || !only) return reader.readAt(positions);
      const item = await writes.getItem({
        TableName: table,
        Key: { stream_id: only.streamId, version: only.version },
        ConsistentRead: true,
      });
      return item ? [toStoredEvent<E>(item)] : [];
    },
    append: (streamId, expectedVersion, events) => store.appendAll([{ streamId, expectedVersion, events }]),
    appendAfter: (own, events) =>
      store.appendAll([{ streamId: own.streamId, expectedVersion: own.version, events, tailKnown: true }]),
    appendAll: (appends, conditions = {}) =>
      write(
        appends.filter((a) => a.events.length > 0),
        conditions.absent ?? [],
      ),
  };
  return store;

  async function write(
    appends: StreamAppend<E>[],
    absent: { streamId: string; version: number }[],
  ): Promise<StoredEvent<E>[]> {
    const [first] = appends;
    if (!first) return [];
    const recordedAt = clock().toISOString();
    const stored = appends.flatMap((a) =>
      a.events.map((e, i): StoredEvent<E> => ({
        ...e,
        streamId: a.streamId,
        version: a.expectedVersion + i + 1,
        eventId: randomUUID(),
        recordedAt,
        schemaVersion: SCHEMA_VERSION,
      })),
    );
    const notYetWritten = 'attribute_not_exists(version)';
    // The stream really is at expectedVersion (no gap can be written), unless its tail is known.
    // Each check remembers what its failure means: that stream not at that version.
    const checks = [
      ...appends.flatMap((a) =>
        a.expectedVersion > 0 && !a.tailKnown
          ? [{ check: positionCheck(a.streamId, a.expectedVersion, 'attribute_exists(version)'), a }]
          : [],
      ),
      // Another stream not past a version (the stock's setting a claim is made from).
      ...absent.map((p) => ({
        check: positionCheck(p.streamId, p.version, notYetWritten),
        a: { streamId: p.streamId, expectedVersion: p.version - 1 },
      })),
    ];
    if (checks.length + stored.length > MAX_ITEMS_PER_TRANSACTION)
      throw new RangeError(`at most ${MAX_ITEMS_PER_TRANSACTION} items per append`);
    try {
      const [only] = stored;
      if (stored.length === 1 && checks.length === 0 && only) {
        // The common case (a fresh claim, a confirmation): one conditional put.
        try {
          await writes.putItem({ TableName: table, Item: toItem(only), ConditionExpression: notYetWritten });
        } catch (err) {
          // A put whose answer was lost is sent again; the retry then finds the version
          // taken, by our own first attempt. The event there, read back, says whose it is.
          if (refusedBy(err, CONDITION_FAILED) && (await landed(only))) return stored;
          throw err;
        }
      } else {
        // (One ClientRequestToken over the attempts: a retried transaction is idempotent.)
        await writes.transactWriteItems([
          ...checks.map((c) => c.check),
          ...stored.map((e) => ({
            Put: { TableName: table, Item: toItem(e), ConditionExpression: notYetWritten },
          })),
        ]);
      }
    } catch (err) {
      if (refusedBy(err, CONDITION_FAILED))
        throw new WrongExpectedVersionError(first.streamId, first.expectedVersion);
      if (refusedBy(err, TRANSACTION_CANCELED)) {
        // The reasons are in item order: the checks, then the puts. A put refused because its
        // version is taken by this very event (a transaction retried after its answer was
        // lost, past the token's window) means the whole transaction landed the first time.
        const reasons = err.cancellationReasons;
        const put = reasons.findIndex((r, i) => i >= checks.length && r.Code === 'ConditionalCheckFailed');
        const mine = stored[put - checks.length];
        if (put >= 0 && mine && (await landed(mine))) return stored;
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) {
          const streamId = stored[failed - checks.length]?.streamId;
          const a = checks[failed]?.a ?? appends.find((x) => x.streamId === streamId) ?? first;
          throw new WrongExpectedVersionError(a.streamId, a.expectedVersion);
        }
      }
      throw err;
    }
    return stored;
  }

  function positionCheck(streamId: string, version: number, condition: string) {
    return {
      ConditionCheck: {
        TableName: table,
        Key: { stream_id: streamId, version },
        ConditionExpression: condition,
      },
    };
  }

  /** Whether this very event (its id) is the one stored at its position. */
  async function landed(e: StoredEvent<E>): Promise<boolean> {
    const item = await writes.getItem({
      TableName: table,
      Key: { stream_id: e.streamId, version: e.version },
      ProjectionExpression: 'event_id',
      ConsistentRead: true,
    });
    return item?.event_id === e.eventId;
  }
}

const CONDITION_FAILED = 'ConditionalCheckFailedException';
const TRANSACTION_CANCELED = 'TransactionCanceledException';
const refusedBy = (err: unknown, type: string): err is DynamoRequestError =>
  err instanceof DynamoRequestError && err.type === type;

const toItem = (e: StoredEvent): EventItem => ({
  stream_id: e.streamId,
  version: e.version,
  event_id: e.eventId,
  type: e.type,
  payload: e.payload,
  recorded_at: e.recordedAt,
  schema_version: e.schemaVersion,
});

/** The whole event log, in log order (a parallel scan, strongly consistent). For replay, drift checks and the bench. */
export async function readAllEvents(
  documents: Pick<DynamoDBDocumentClient, 'send'>,
  eventTable: string,
  options: { segments?: number } = {},
): Promise<StoredEvent[]> {
  const items = await scanAll(
    documents,
    { TableName: eventTable, ConsistentRead: true },
    options.segments ?? WHOLE_TABLE_SEGMENTS,
  );
  return items.map(toStoredEvent).sort(logOrder);
}
