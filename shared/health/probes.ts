import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MongoClient } from 'mongodb';
import type { RedisClient } from '../platform/clients/redis';
import type { SqlDatabase } from '../platform/sql/database';
import { countStoreCall } from '../platform/store-calls';
import type { HealthProbes } from './health';

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

/** The probe of each store: one cheap request it must answer. */
export const storeProbes = (deps: HealthDeps): HealthProbes => ({
  dynamodb: () => deps.dynamodb.send(new DescribeTableCommand({ TableName: deps.probeTable })),
  async redis() {
    const redis = await deps.redis();
    if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
    return redis.ping();
  },
  mongo: async () => {
    countStoreCall('mongo'); // the client counts nothing itself (../platform/clients/mongo.ts)
    return (await deps.mongo()).db('admin').command({ ping: 1 });
  },
  legacy: async () => (await deps.legacy()).ping(),
});
