/** Lua helpers both scripts below use: a customer's limit slots as versions. */
export const SLOTS_LUA = `
local function slots_of(raw, limit)
  local slots = {}
  if raw then for v in string.gmatch(raw, '[^,]+') do slots[#slots + 1] = tonumber(v) end end
  for k = 1, limit do slots[k] = slots[k] or 0 end
  return slots
end`;
