import { SLOTS_LUA } from './slots';

/**
 * Merges what the log said of a setting (read moments ago, while sales went on) into a
 * shard, atomically with those sales, so a rewrite never undoes a handout or a give-back
 * that happened after the log was read. Versions only grow, so per unit the later of the
 * two wins: a unit Redis offers at a version the log has passed (Redis forgot the handout)
 * is dropped, or offered at the log's version where the log has it free; a unit Redis offers
 * at a version the log had not reached yet (given back since) stays; fresh units Redis
 * offers below the log's next are the log's to judge. A unit Redis does not offer is never
 * added (it is handed out now, or sold; the sweeper finishes what is handed out). Slots:
 * the higher version of each. Returns 1 when it changed the shard, 0 when not, -1 when
 * the shard holds another setting.
 * KEYS: stock, free, buyers. ARGV: setting, the log's next, nUnits, `unit:version:free`
 * (units the log has touched; free 1 or 0)..., then customer/slots pairs.
 */
export const MERGE_FROM_LOG = `${SLOTS_LUA}
local s = redis.call('HMGET', KEYS[1], 'setting', 'next', 'last', 'limit')
if not s[1] or tonumber(s[1]) ~= tonumber(ARGV[1]) then return {-1} end
local nxt, last, limit = tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
local log = {}
local nUnits = tonumber(ARGV[3])
for i = 4, 3 + nUnits do
  local u, v, f = string.match(ARGV[i], '^(%d+):(%d+):(%d)$')
  log[tonumber(u)] = {tonumber(v), f == '1'}
end
local function judge(u, v)
  local l = log[u]
  if not l or v > l[1] or (v == l[1] and l[2]) then return v end
  if l[2] then return l[1] end
  return nil
end
local changed, order, best = 0, {}, {}
local function offer(u, v)
  if v == nil then changed = 1; return end
  if best[u] == nil then order[#order + 1] = u; best[u] = v; return end
  changed = 1
  if v > best[u] then best[u] = v end
end
local free = redis.call('LRANGE', KEYS[2], 0, -1)
for _, e in ipairs(free) do
  local sep = string.find(e, ':')
  local u, v = tonumber(string.sub(e, 1, sep - 1)), tonumber(string.sub(e, sep + 1))
  local w = judge(u, v)
  if w ~= nil and w ~= v then changed = 1 end
  offer(u, w)
end
local logNext = tonumber(ARGV[2])
if logNext > nxt then
  for u = nxt, math.min(logNext - 1, last) do
    local w = judge(u, 0)
    if w ~= nil then offer(u, w) else changed = 1 end
  end
  nxt = math.min(logNext, last + 1)
  changed = 1
end
for i = 4 + nUnits, #ARGV, 2 do
  local mine = slots_of(redis.call('HGET', KEYS[3], ARGV[i]), limit)
  local theirs = slots_of(ARGV[i + 1], limit)
  local differs = false
  for k = 1, limit do
    if theirs[k] > mine[k] then mine[k] = theirs[k]; differs = true end
  end
  if differs then
    redis.call('HSET', KEYS[3], ARGV[i], table.concat(mine, ','))
    changed = 1
  end
end
if changed == 1 then
  redis.call('HSET', KEYS[1], 'next', nxt)
  redis.call('DEL', KEYS[2])
  local batch = {}
  for _, u in ipairs(order) do
    batch[#batch + 1] = u .. ':' .. best[u]
    if #batch == 1000 then redis.call('RPUSH', KEYS[2], unpack(batch)); batch = {} end
  end
  if #batch > 0 then redis.call('RPUSH', KEYS[2], unpack(batch)) end
end
return changed`;
