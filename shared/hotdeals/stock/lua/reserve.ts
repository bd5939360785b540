import { SLOTS_LUA } from './slots';

/**
 * Reserve one unit, atomically: check the customer's limit and take a free slot, take a
 * given-back unit or the next fresh one, and note the reservation as pending. Returns
 * {left, setting, unit, version, slot, slotVersion, purchaseIdBase}, or {-1} sold out,
 * {-2} not on sale, {-3} limit reached.
 * KEYS: stock, free, buyers, pending, reservations. ARGV: productId, customerId, now (ms).
 */
export const RESERVE = `${SLOTS_LUA}
local s = redis.call('HMGET', KEYS[1], 'setting', 'next', 'last', 'limit', 'base')
if not s[1] then return {-2} end
local setting, nxt, last, limit = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
local slot, slotVersion, slots = 0, 0, nil
if limit > 0 then
  slots = slots_of(redis.call('HGET', KEYS[3], ARGV[2]), limit)
  for k = 1, limit do
    if slots[k] % 2 == 0 then slot = k; slotVersion = slots[k]; break end
  end
  if slot == 0 then return {-3} end
end
local unit, version
local given = redis.call('LPOP', KEYS[2])
if given then
  local sep = string.find(given, ':')
  unit = tonumber(string.sub(given, 1, sep - 1)); version = tonumber(string.sub(given, sep + 1))
elseif nxt <= last then
  unit = nxt; version = 0; nxt = nxt + 1
  redis.call('HSET', KEYS[1], 'next', nxt)
else
  return {-1}
end
if slot > 0 then
  slots[slot] = slotVersion + 1
  redis.call('HSET', KEYS[3], ARGV[2], table.concat(slots, ','))
end
local orderId = ARGV[1] .. '-' .. setting .. '-' .. unit .. '-' .. (version + 1)
redis.call('ZADD', KEYS[4], ARGV[3], orderId)
redis.call('HSET', KEYS[5], orderId, ARGV[2] .. ':' .. slot .. ':' .. slotVersion)
return {(last - nxt + 1) + redis.call('LLEN', KEYS[2]), setting, unit, version, slot, slotVersion, tonumber(s[5]), limit}`;
