import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MongoClient } from 'mongodb';
import * as z from 'zod';
import type { RedisClient } from '../platform/clients/redis';
import type { SqlDatabase } from '../platform/sql/database';

const DepState = z.enum(['ok', 'down']);
export type DepState = z.infer<typeof DepState>;

/** GET /health: every store's state (the one definition: type inferred, OpenAPI generated). */
export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  deps: z.object({ dynamodb: DepState, redis: DepState, mongo: DepState, legacy: DepState }),
});
export type Health = z.infer<typeof Health>;

/** A client as the composition root hands it out: built (and its secret read) on first use. */
type Lazy<T> = () => T | Promise<T>;

export interface HealthDeps {
  dynamodb: DynamoDBClient;
  /** The table the DynamoDB probe describes (DescribeTable can be granted on one ARN; ListTables only on *). */
  probeTable: string;
  /** Lazy: a client that cannot even be built (its secret unreadable) is a store that is down. */
  redis: Lazy<RedisClient>;
  mongo: Lazy<MongoClient>;
  legacy: Lazy<SqlDatabase>;
}

const PROBE_TIMEOUT_MS = 1500;

/** Probes one store; a store that errors or answers too slowly is "down". */
async function probe(check: () => Promise<unknown>): Promise<DepState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** Checks every store in parallel. */
export async function checkHealth(deps: HealthDeps): Promise<Health> {
  const [dynamodb, redis, mongo, legacy] = await Promise.all([
    probe(() => deps.dynamodb.send(new DescribeTableCommand({ TableName: deps.probeTable }))),
    probe(async () => {
      const redis = await deps.redis();
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
      return redis.ping();
    }),
    probe(async () => (await deps.mongo()).db('admin').command({ ping: 1 })),
    probe(async () => (await deps.legacy()).ping()),
  ]);
  const allOk = [dynamodb, redis, mongo, legacy].every((s) => s === 'ok');
  return { status: allOk ? 'ok' : 'degraded', deps: { dynamodb, redis, mongo, legacy } };
}
