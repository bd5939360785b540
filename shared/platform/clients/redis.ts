import { Cluster, Redis } from 'ioredis';
import type { Config } from '../config';
import { logger } from '../logger';
import { countStoreCall } from '../store-calls';
import { discoverRedisEndpoint, withLogin, type RedisEndpoint, type RedisLogin } from './redis-endpoint';

export type RedisClient = Redis | Cluster;

/**
 * A standalone Redis, or a Redis Cluster (cluster-mode ElastiCache) when `cluster` is set,
 * with REDIS_URL naming one seed node. rediss:// turns TLS on (ElastiCache in-transit
 * encryption); a user and password in the URL are the ElastiCache RBAC user's.
 */
export function createRedisClient(options: { url: string; cluster: boolean }): RedisClient {
  // No auto-pipelining: a Lambda container serves one request at a time, so it has nothing
  // to batch; measured on loopback (30,000 reserve+finish, 150 in flight) it was slower with
  // it (29,400/s against 38,500-41,900/s, 0.032 against 0.024-0.027 ms of CPU an order), and
  // its known defects include an uncaught TypeError that killed the local sweeper
  // (redis/ioredis#1931) and cluster EVALSHA batches across slots (redis/ioredis#2109).
  const common = { lazyConnect: true, enableAutoPipelining: false } as const;
  // While Redis is away (a failover, a restart) a command waits for two reconnect attempts,
  // then the order is a 503. ioredis backs off up to 2 s between attempts, so a buyer waited
  // 4-6 s for that 503 (and the function was billed for it); at most 0.5 s here: under 1.5 s.
  const reconnectDelay = (attempt: number) => Math.min(attempt * 50, 500);
  const connection = { maxRetriesPerRequest: 2, connectTimeout: 2000, retryStrategy: reconnectDelay };
  if (!options.cluster) return new Redis(options.url, { ...common, ...connection });
  const url = new URL(options.url);
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    ...common,
    clusterRetryStrategy: reconnectDelay,
    // ElastiCache TLS certificates name the configuration endpoint, not node IPs.
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: {
      ...connection,
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    },
  });
}

/**
 * The configured Redis: REDIS_URL as given, or the replication group's endpoint looked up
 * once, logged in as this function's ElastiCache user. Errors are logged: ioredis reconnects by itself, and without
 * a listener every failed attempt would be an unhandled error.
 */
export async function connectRedis(
  redis: Config['redis'],
  region: string,
  login: RedisLogin,
): Promise<RedisClient> {
  const client = createRedisClient(await redisEndpoint(redis, region, login));
  client.on('error', (err: Error) => logger.warn('redis connection error', { reason: err.message }));
  countCommands(client);
  return client;
}

/** Every command the client sends (a script's EVALSHA, its EVAL fallback) is one round trip. */
function countCommands(client: RedisClient): void {
  const target = client as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (...args) => {
    countStoreCall('redis');
    return send(...args);
  };
}

async function redisEndpoint(
  redis: Config['redis'],
  region: string,
  login: RedisLogin,
): Promise<RedisEndpoint> {
  if (!redis.replicationGroupId) return withLogin(redis, login);
  // Loaded only here: the SDK client costs ~100 ms of cold start where REDIS_URL is given.
  const { ElastiCacheClient } = await import('@aws-sdk/client-elasticache');
  const found = await discoverRedisEndpoint(new ElastiCacheClient({ region }), redis.replicationGroupId);
  logger.info('redis endpoint discovered', {
    replicationGroupId: redis.replicationGroupId,
    cluster: found.cluster,
  });
  return withLogin(found, login);
}
