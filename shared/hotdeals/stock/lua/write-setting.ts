/**
 * Writes a whole setting to a shard (a new setting, or reconcile rewriting it from the
 * log), unless a newer setting is already there (two admins racing: the log orders their
 * StockSet events, and Redis keeps the later one).
 * KEYS: stock, free, buyers. ARGV: setting, next, last, limit, base, nFree, free..., then
 * customer/slots pairs.
 */
export const WRITE_SETTING = `
local current = redis.call('HGET', KEYS[1], 'setting')
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'setting', ARGV[1], 'next', ARGV[2], 'last', ARGV[3], 'limit', ARGV[4], 'base', ARGV[5])
local nFree = tonumber(ARGV[6])
for i = 7, 6 + nFree do redis.call('RPUSH', KEYS[2], ARGV[i]) end
for i = 7 + nFree, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
return 1`;
