import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readAllItems } from '../platform/clients/dynamodb-pages';
import { ConflictError } from '../platform/errors';

/**
 * The append-only event log on DynamoDB. One item per event, keyed by stream id and
 * version: a stream is one aggregate (an order, a product's stock), versions count 1, 2, 3
 * without gaps. An append names the version it expects the stream to be at; the write is
 * conditional on the next version not existing, so of two writers that read the same
 * version one wins and the other gets WrongExpectedVersionError (optimistic concurrency).
 */
export interface NewEvent {
  type: string;
  payload: Record<string, unknown>;
}

export interface StoredEvent extends NewEvent {
  streamId: string;
  version: number;
  eventId: string;
  /** When the event was appended (ISO, ms); projection lag is measured from here. */
  recordedAt: string;
  schemaVersion: number;
}

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

export const toStoredEvent = (item: Record<string, unknown>): StoredEvent => {
  const i = item as unknown as EventItem;
  return {
    streamId: i.stream_id,
    version: Number(i.version),
    eventId: i.event_id,
    type: i.type,
    payload: i.payload,
    recordedAt: i.recorded_at,
    schemaVersion: Number(i.schema_version),
  };
};

/** Log order: by append time, then stream and version (a stream's own order). */
export const logOrder = (a: StoredEvent, b: StoredEvent): number =>
  a.recordedAt < b.recordedAt
    ? -1
    : a.recordedAt > b.recordedAt
      ? 1
      : a.streamId < b.streamId
        ? -1
        : a.streamId > b.streamId
          ? 1
          : a.version - b.version;

/** The version of payload shape this code writes; readers refuse what they do not know. */
export const SCHEMA_VERSION = 1;

export class WrongExpectedVersionError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(
      'WRONG_EXPECTED_VERSION',
      `Stream ${streamId} is no longer at version ${expectedVersion}; it changed concurrently`,
    );
  }
}

export interface EventStore {
  /** Appends events after `expectedVersion` (0: a new stream); returns them as stored. */
  append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<StoredEvent[]>;
  /**
   * Appends right after an event this writer appended itself, so the stream's tail is
   * known to exist: a single event is one conditional put, with no transaction (half the
   * write cost; DynamoDB Local also runs transactions one at a time).
   */
  appendAfter(own: StoredEvent, events: NewEvent[]): Promise<StoredEvent[]>;
  /** Every event of one stream, in version order (strongly consistent). */
  readStream(streamId: string): Promise<StoredEvent[]>;
}

/** DynamoDB allows 100 items per transaction; one is the expected-version check. */
const MAX_EVENTS_PER_APPEND = 99;

export function dynamoEventStore(
  documents: DynamoDBDocumentClient,
  table: string,
  clock: () => Date = () => new Date(),
): EventStore {
  return {
    appendAfter: (own, events) => write(own.streamId, own.version, events, true),
    append: (streamId, expectedVersion, events) => write(streamId, expectedVersion, events, false),
    async readStream(streamId) {
      const items = await readAllItems(documents, {
        query: {
          TableName: table,
          KeyConditionExpression: 'stream_id = :s',
          ExpressionAttributeValues: { ':s': streamId },
          ConsistentRead: true,
        },
      });
      return items.map(toStoredEvent);
    },
  };

  async function write(
    streamId: string,
    expectedVersion: number,
    events: NewEvent[],
    tailKnown: boolean,
  ): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    if (events.length > MAX_EVENTS_PER_APPEND)
      throw new RangeError(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
    const recordedAt = clock().toISOString();
    const stored: StoredEvent[] = events.map((e, i) => ({
      ...e,
      streamId,
      version: expectedVersion + i + 1,
      eventId: randomUUID(),
      recordedAt,
      schemaVersion: SCHEMA_VERSION,
    }));
    const items: EventItem[] = stored.map((e) => ({
      stream_id: e.streamId,
      version: e.version,
      event_id: e.eventId,
      type: e.type,
      payload: e.payload,
      recorded_at: e.recordedAt,
      schema_version: e.schemaVersion,
    }));
    const notYetWritten = 'attribute_not_exists(version)';
    try {
      if (items.length === 1 && (expectedVersion === 0 || tailKnown)) {
        // The common case (a new order, its compensation): one conditional put.
        await documents.send(
          new PutCommand({ TableName: table, Item: items[0], ConditionExpression: notYetWritten }),
        );
      } else {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              // The stream really is at expectedVersion (no gap can be written).
              ...(expectedVersion > 0
                ? [
                    {
                      ConditionCheck: {
                        TableName: table,
                        Key: { stream_id: streamId, version: expectedVersion },
                        ConditionExpression: 'attribute_exists(version)',
                      },
                    },
                  ]
                : []),
              ...items.map((Item) => ({
                Put: { TableName: table, Item, ConditionExpression: notYetWritten },
              })),
            ],
          }),
        );
      }
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException)
        throw new WrongExpectedVersionError(streamId, expectedVersion);
      if (
        err instanceof TransactionCanceledException &&
        err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')
      )
        throw new WrongExpectedVersionError(streamId, expectedVersion);
      throw err;
    }
    return stored;
  }
}

/**
 * Runs a command against a stream's current state (emmett's decide): reads the stream,
 * asks `decide` for new events, appends them at the version read. When another writer
 * appended first, reads again and decides again, up to `attempts` times; then the
 * WrongExpectedVersionError reaches the caller (a clean 409).
 */
export async function handleCommand(
  store: EventStore,
  streamId: string,
  decide: (history: StoredEvent[]) => NewEvent[],
  attempts = 5,
): Promise<StoredEvent[]> {
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    try {
      return await store.append(streamId, history.length, decide(history));
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

/**
 * The whole event log, in log order (a parallel scan, strongly consistent); or only the
 * events about one product (their payload names it). For replay, drift checks and tests.
 */
export async function readAllEvents(
  documents: Pick<DynamoDBDocumentClient, 'send'>,
  eventTable: string,
  options: { segments?: number; productId?: number } = {},
): Promise<StoredEvent[]> {
  const filter =
    options.productId === undefined
      ? {}
      : {
          FilterExpression: 'payload.productId = :p',
          ExpressionAttributeValues: { ':p': options.productId },
        };
  const items = await readAllItems(documents, {
    scan: { TableName: eventTable, ConsistentRead: true, ...filter },
    segments: options.segments ?? 4,
  });
  return items.map(toStoredEvent).sort(logOrder);
}
