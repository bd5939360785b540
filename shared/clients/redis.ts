import { Cluster, Redis } from 'ioredis';
import { config } from '../config';
import { logger } from '../logger';

export type RedisClient = Redis | Cluster;

/**
 * A standalone Redis, or a Redis Cluster (cluster-mode ElastiCache) when `cluster` is set,
 * with REDIS_URL naming one seed node. rediss:// turns TLS on (ElastiCache in-transit
 * encryption); a password in the URL is the AUTH token.
 */
export function createRedisClient(options: { url: string; cluster: boolean }): RedisClient {
  const common = { lazyConnect: true, enableAutoPipelining: true } as const;
  const connection = { maxRetriesPerRequest: 2, connectTimeout: 2000 };
  if (!options.cluster) return new Redis(options.url, { ...common, ...connection });
  const url = new URL(options.url);
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    ...common,
    // ElastiCache TLS certificates name the configuration endpoint, not node IPs.
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: {
      ...connection,
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    },
  });
}

/** One client per container; commands pipeline automatically under concurrency. */
export const redis: RedisClient = createRedisClient(config.redis);
// ioredis reconnects by itself; without a listener every failed attempt is an unhandled error.
redis.on('error', (err: Error) => logger.warn('redis connection error', { reason: err.message }));
