-- queuePause v1
-- Purpose: pause or resume the run queue. Paused, no run is claimed (runs already started go on;
-- enqueue still works). Idempotent.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] "1" to pause, "0" to resume   ARGV[2] reason   ARGV[3] requested by
-- Returns: {"OK", changed (1|0)}
-- Events: queue.paused | queue.resumed (only when the state changed).
-- @include ctl
local was = redis.call('HGET', C.meta, 'paused') or '0'
if was == ARGV[1] then return { 'OK', 0 } end
redis.call('HSET', C.meta, 'paused', ARGV[1])
local etype = 'queue.resumed'
if ARGV[1] == '1' then etype = 'queue.paused' end
emit(etype, nil, nil, ARGV[2], ARGV[3])
if ARGV[1] == '0' then wake() end
return { 'OK', 1 }
