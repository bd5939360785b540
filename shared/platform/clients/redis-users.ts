/**
 * Who each function is to Redis: ElastiCache RBAC users, whose access strings are Redis
 * ACL rules. serverless/resources.yml declares the same strings (the deploy test holds
 * them equal) and the Redis-users int test applies them to the local redis-server with
 * ACL SETUSER, so the rights are proven on a real Redis, not just written down.
 */

/** What any client needs to connect and find its nodes (ioredis, cluster mode, TLS). */
const CONNECT = '+ping +hello +auth +client|setname +cluster|slots +cluster|shards +info';

export const REDIS_USERS = {
  /**
   * The stock read (GET /hotdeals/{id}), the health probe and the consistency audit: the
   * stock hashes, free lists and pending entries, read only, and nothing else (not even a
   * script: a script runs writes).
   */
  reader: {
    name: 'oshop-hotdeal-reader',
    access: `on ~hotdeal:* resetchannels -@all +hmget +llen +hgetall +lrange +zrangebyscore ${CONNECT}`,
  },
  /**
   * The order, stock-setting and sweeper functions: the hot-deal keys, read and write,
   * through the reserve and release scripts; no admin or keyspace-wide commands (FLUSHALL,
   * KEYS, CONFIG, ...). (The payment ledger is in the order log, not Redis.)
   */
  writer: {
    name: 'oshop-hotdeal-writer',
    access: `on ~hotdeal:* resetchannels -@all +@read +@write +evalsha +eval -@dangerous ${CONNECT}`,
  },
} as const;

export type RedisUser = keyof typeof REDIS_USERS;
