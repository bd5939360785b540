import { Redis } from 'ioredis';
import { config } from '../config';
import { logger } from '../logger';

/** One connection per container; commands pipeline automatically under concurrency. */
export const redis = new Redis(config.redis.url, {
  lazyConnect: true,
  enableAutoPipelining: true,
  maxRetriesPerRequest: 2,
  connectTimeout: 2000,
});
// ioredis reconnects by itself; without a listener every failed attempt is an unhandled error.
redis.on('error', (err: Error) => logger.warn('redis connection error', { reason: err.message }));
