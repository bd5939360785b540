/** A finished order leaves the pending set and the reservations (KEYS: pending, reservations; ARGV: order id): one round trip. */
export const FINISH = `redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`;
