-- instanceRead v1
-- Purpose: read registered instances in one consistent step (ordered by id).
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] include stopped ("1"|"0")   ARGV[2..] instance ids (none = all)
-- Returns: {"OK", now, inst1, ...}; each is {} when unknown (only for explicit ids), else a flat
--   list {id, name1, value1, ...} of the instance fields in includes/ctl.lua
-- @include ctl
local FIELDS = { 'status', 'host', 'pid', 'slots', 'wslots', 'inflight', 'running', 'claimed',
  'hb', 'reg', 'ver', 'meta' }
local function read_inst(id)
  if not iget(id, 'status') then return {} end
  local out = { id }
  for _, f in ipairs(FIELDS) do
    local v = iget(id, f)
    if v then
      out[#out + 1] = f
      out[#out + 1] = v
    end
  end
  return out
end
local out = { 'OK', NOW }
if #ARGV > 1 then
  for i = 2, #ARGV do out[#out + 1] = read_inst(ARGV[i]) end
  return out
end
local ids = redis.call('ZRANGE', C.insts, 0, -1)
table.sort(ids)
for _, id in ipairs(ids) do
  if ARGV[1] == '1' or iget(id, 'status') ~= 'stopped' then out[#out + 1] = read_inst(id) end
end
return out
