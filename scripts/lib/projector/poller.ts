import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetRecordsCommandOutput,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toStoredEvent, type StoredEvent } from '#shared/events/event-store';
import { projectAll, type BatchLags, type ReadModelTargets } from '#shared/projections/project-all';
import { readCheckpoint, writeCheckpoint } from '#shared/projections/state';

/**
 * The local twin of the AWS stream trigger: reads the events table's stream on DynamoDB
 * Local shard by shard (parents before children, as Lambda does), hands each batch to
 * the same projectAll, and checkpoints a shard's sequence number only after its batch is
 * applied. A crash or an error replays from the checkpoint; the projections skip what
 * they already applied, so nothing is lost and nothing is applied twice.
 */
export interface PollerOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  eventTable: string;
  targets: ReadModelTargets;
  /**
   * Another consumer of the same stream (sync-back into the legacy database), with its own
   * checkpoints under `consumer`: it never holds the read models back, nor they it.
   */
  consumer?: {
    name: string;
    apply: (events: StoredEvent[]) => Promise<{ applied: number; skipped: number }>;
  };
  /** Sleep between polls when every shard came back empty. */
  idleMs?: number;
  /** Sleep after a small batch, so the next one is bigger. */
  batchWindowMs?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onBatch?: (batch: {
    events: StoredEvent[];
    applied: number;
    skipped: number;
    lagsMs: BatchLags;
    /** Per event: from its append to the poller reading it off the stream (the rest is the projector's own writes). */
    readLagsMs: number[];
  }) => void;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The poll cadence, as the Lambda's event source is set (serverless.yml: batchWindow 0):
 * under load a batch's own work is the window, so events are not held back on purpose. A
 * 100 ms window and idle pause made the lag p95 under the rush 312-411 ms (the goal: 250).
 */
const IDLE_MS = 50;
const BATCH_WINDOW_MS = 0;

export async function runPoller(o: PollerOptions): Promise<void> {
  const log = o.log ?? (() => undefined);
  const table = await o.dynamodb.send(new DescribeTableCommand({ TableName: o.eventTable }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${o.eventTable} has no stream (run npm run provision)`);
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  let shards: Shard[] = [];
  let shardsAt = 0;
  let failures = 0;

  const checkpointKey = (shardId: string) =>
    o.consumer ? `${o.consumer.name}|${streamArn}|${shardId}` : `${streamArn}|${shardId}`;
  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    await checkpoints.get(shardId);
    const after = await readCheckpoint(o.targets.state, checkpointKey(shardId));
    const out = await o.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  };

  const readPage = (iterator: string) =>
    o.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: o.batchSize ?? 1000 }));
  /** A shard's next page, asked for while the last one is applied. */
  const ahead = new Map<string, Promise<GetRecordsCommandOutput>>();
  /**
   * A shard's checkpoints, written in order without holding up the next page (a batch's
   * writes are already done when its checkpoint goes; one lost to a crash means the batch
   * is applied again, which every consumer takes as already applied).
   */
  const checkpoints = new Map<string, Promise<void>>();
  const saveCheckpoint = (shardId: string, sequence: string) => {
    const written = (checkpoints.get(shardId) ?? Promise.resolve())
      .then(() => writeCheckpoint(o.targets.state, checkpointKey(shardId), sequence))
      .catch((err: unknown) =>
        log(`shard ${shardId}: checkpoint not written (${err instanceof Error ? err.message : String(err)})`),
      );
    checkpoints.set(shardId, written);
  };

  while (!o.signal?.aborted) {
    if (Date.now() - shardsAt > 5000) {
      try {
        shards = await describeShards(o.streams, streamArn);
        shardsAt = Date.now();
      } catch (err) {
        // The store is away (a restart, a throttle): the shards known so far, and again soon;
        // a projector that dies of it leaves the read models behind until someone notices.
        failures++;
        log(`listing the stream's shards: ${err instanceof Error ? err.message : String(err)}; retrying`);
        await sleep(Math.min(5000, 100 * 2 ** failures));
        if (shards.length === 0) continue;
      }
    }
    const known = new Set(shards.map((s) => s.ShardId));
    // A child shard waits for its parent, so a stream's events stay in order.
    const ready = shards.filter(
      (s): s is Shard & { ShardId: string } =>
        s.ShardId !== undefined &&
        !finished.has(s.ShardId) &&
        (!s.ParentShardId || !known.has(s.ParentShardId) || finished.has(s.ParentShardId)),
    );
    let got = 0;
    for (const shard of ready) {
      const shardId = shard.ShardId;
      try {
        let page: GetRecordsCommandOutput;
        const prefetched = ahead.get(shardId);
        if (prefetched) {
          ahead.delete(shardId);
          page = await prefetched;
        } else {
          const iterator = iterators.get(shardId) ?? (await iteratorFor(shardId));
          if (!iterator) {
            finished.add(shardId);
            continue;
          }
          page = await readPage(iterator);
        }
        const readAt = Date.now();
        const records = page.Records ?? [];
        // A full page means more is waiting: the next page is read while this one is applied
        // (applying stays in order; reading overlaps). Behind a partial page it is not: a read
        // sent now would come back before the events that arrive while this page is applied.
        if (records.length >= (o.batchSize ?? 1000) && page.NextShardIterator) {
          const next = readPage(page.NextShardIterator);
          next.catch(() => undefined); // awaited on the next pass, or dropped with the shard's restart
          ahead.set(shardId, next);
        }
        const events = records.flatMap((r) =>
          r.eventName === 'INSERT' && r.dynamodb?.NewImage
            ? [toStoredEvent(unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>))]
            : [],
        );
        if (events.length > 0) {
          const result = o.consumer
            ? { ...(await o.consumer.apply(events)), lagsMs: {} }
            : await projectAll(o.targets, events);
          o.onBatch?.({
            events,
            ...result,
            readLagsMs: events.map((e) => readAt - Date.parse(e.recordedAt)),
          });
        }
        const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
        if (last) saveCheckpoint(shardId, last);
        got += records.length;
        if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
        else {
          iterators.delete(shardId);
          finished.add(shardId);
        }
        failures = 0;
      } catch (err) {
        // Start this shard again from its checkpoint, after a growing pause.
        iterators.delete(shardId);
        ahead.delete(shardId);
        if (!(err instanceof ExpiredIteratorException || err instanceof TrimmedDataAccessException)) {
          failures++;
          log(
            `shard ${shardId}: ${err instanceof Error ? err.message : String(err)}; retrying from its checkpoint`,
          );
          await sleep(Math.min(5000, 100 * 2 ** failures));
        }
      }
    }
    // Nothing new: wait. A trickle: wait a little too, so events gather into batches (each
    // batch costs a few reads per read model however small it is; Lambda's batch window).
    if (got === 0) await sleep(o.idleMs ?? IDLE_MS);
    else if (got < (o.batchSize ?? 1000) / 2) await sleep(o.batchWindowMs ?? BATCH_WINDOW_MS);
  }
  // Stopped: what was applied is on record before the poller says it is done.
  await Promise.all(checkpoints.values());
}

async function describeShards(streams: DynamoDBStreamsClient, StreamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let ExclusiveStartShardId: string | undefined;
  do {
    const out = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId }));
    shards.push(...(out.StreamDescription?.Shards ?? []));
    ExclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
  } while (ExclusiveStartShardId);
  return shards;
}
