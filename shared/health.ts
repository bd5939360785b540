import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MongoClient } from 'mongodb';
import type { RedisClient } from './clients/redis';
import type { SqlDatabase } from './sql/database';

export type DepState = 'ok' | 'down';
export interface Health {
  status: 'ok' | 'degraded';
  deps: { dynamodb: DepState; redis: DepState; mongo: DepState; legacy: DepState };
}

export interface HealthDeps {
  dynamodb: DynamoDBClient;
  /** The table the DynamoDB probe describes (DescribeTable can be granted on one ARN; ListTables only on *). */
  probeTable: string;
  redis: RedisClient;
  mongo: MongoClient;
  legacy: SqlDatabase;
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
      if (deps.redis.status === 'wait' || deps.redis.status === 'end') await deps.redis.connect();
      return deps.redis.ping();
    }),
    probe(() => deps.mongo.db('admin').command({ ping: 1 })),
    probe(() => deps.legacy.ping()),
  ]);
  const allOk = [dynamodb, redis, mongo, legacy].every((s) => s === 'ok');
  return { status: allOk ? 'ok' : 'degraded', deps: { dynamodb, redis, mongo, legacy } };
}
