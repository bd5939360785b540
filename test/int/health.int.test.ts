import '../support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '#shared/platform/config';
import { checkHealth } from '#shared/health/health';
import { storeProbes } from '#shared/health/probes';
import { createSqlDatabase } from '#shared/platform/sql/database';
import * as wiring from '#shared/wiring';

const { dynamodb } = wiring.dynamo();
const redis = await wiring.redis();
const legacyDb = await wiring.legacyDb();
const mongoClient = await wiring.mongo();

// A port nothing listens on: every probe against it must report "down", quickly.
const DEAD_PORT = 1;

describe('health of the local stack', () => {
  afterAll(wiring.closeAll);

  it('reports every store ok when the stack is up', async () => {
    const health = await checkHealth(
      storeProbes({
        dynamodb,
        probeTable: config.dynamodb.todoTable,
        redis: () => redis,
        mongo: () => mongoClient,
        legacy: () => legacyDb,
      }),
    );
    expect(health).toEqual({
      status: 'ok',
      deps: { dynamodb: 'ok', redis: 'ok', mongo: 'ok', legacy: 'ok' },
    });
  });

  it('reports a store that cannot be reached as down, within the probe timeout', async () => {
    const deadRedis = new Redis(DEAD_PORT, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    deadRedis.on('error', () => undefined);
    const deadMongo = new MongoClient(`mongodb://127.0.0.1:${DEAD_PORT}/?directConnection=true`, {
      serverSelectionTimeoutMS: 500,
    });
    const deadDynamo = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${DEAD_PORT}`,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const deadSql = await createSqlDatabase({
      dialect: 'postgres',
      connect: `127.0.0.1:${DEAD_PORT}/x`,
      user: 'x',
      password: undefined,
      poolMax: 1,
      acquireTimeoutMs: 1000,
    });
    const t0 = Date.now();
    const health = await checkHealth(
      storeProbes({
        dynamodb: deadDynamo,
        probeTable: 'TodoTable',
        redis: () => deadRedis,
        mongo: () => deadMongo,
        legacy: () => deadSql,
      }),
    );
    expect(health).toEqual({
      status: 'degraded',
      deps: { dynamodb: 'down', redis: 'down', mongo: 'down', legacy: 'down' },
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    deadRedis.disconnect();
    await deadMongo.close();
    await deadSql.close();
  });
});
