import { SLOTS_LUA } from './slots';

/**
 * Give a unit back: to the free list at the version its stream is now at, and the
 * customer's slot with it, but only while the setting it came from is still the one on
 * sale (a unit of a replaced setting goes nowhere). A release on record in the log is
 * given back at most once (the marker, named by the stream position, outlives any retry);
 * a reservation that wrote nothing goes back as it was. Unit 0: the slot alone goes back
 * (the log holds the unit for another order). Forgets the pending entry.
 * KEYS: stock, free, buyers, pending, reservations, marker.
 * ARGV: setting, unit, version, customerId, slot (0: none), slotVersion (free, even), orderId,
 * durable (1: the release is on record), keep (1: the pending entry is another order's too,
 * left for it: two holders Redis handed one unit share one order id).
 */
export const RELEASE = `${SLOTS_LUA}
if ARGV[9] ~= '1' then
  redis.call('ZREM', KEYS[4], ARGV[7])
  redis.call('HDEL', KEYS[5], ARGV[7])
end
if ARGV[8] == '1' and not redis.call('SET', KEYS[6], '1', 'NX', 'EX', 604800) then return 0 end
local current = redis.call('HMGET', KEYS[1], 'setting', 'limit')
if not current[1] or tonumber(current[1]) ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] ~= '0' then redis.call('RPUSH', KEYS[2], ARGV[2] .. ':' .. ARGV[3]) end
local slot, limit = tonumber(ARGV[5]), tonumber(current[2])
if slot > 0 and slot <= limit then
  local slots = slots_of(redis.call('HGET', KEYS[3], ARGV[4]), limit)
  if slots[slot] % 2 == 1 then
    slots[slot] = tonumber(ARGV[6])
    redis.call('HSET', KEYS[3], ARGV[4], table.concat(slots, ','))
  end
end
return 1`;
