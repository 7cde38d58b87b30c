-- queuePurge v1
-- Purpose: forget terminal runs (completed, failed, cancelled) that finished more than ARGV[1] ms
-- ago, oldest first, so the run records do not grow forever. Non-terminal runs are never touched.
-- Bounded: scans at most ARGV[3] runs and deletes at most ARGV[2] per call (call again while it
-- reports a full batch). Executions are not affected (engine retention handles them).
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] minimum age of the finish time, ms   ARGV[2] max deletions   ARGV[3] scan limit
-- Returns: {"OK", deleted, scanned}
-- Events: runs.purged (once per call that deleted any, data = count).
-- @include ctl
local cutoff, max = NOW - tonumber(ARGV[1]), tonumber(ARGV[2])
local deleted = 0
local ids = redis.call('ZRANGE', C.all, 0, tonumber(ARGV[3]) - 1)
for _, run in ipairs(ids) do
  if deleted >= max then break end
  local status = rget(run, 'status')
  local terminal = status == 'completed' or status == 'failed' or status == 'cancelled'
  if not status or (terminal and tonumber(rget(run, 'fin') or '0') <= cutoff) then
    local exec = rget(run, 'exec')
    if exec then redis.call('HDEL', C.execs, exec) end
    for _, f in ipairs(RUN_FIELDS) do redis.call('HDEL', C.runs, run .. ':' .. f) end
    redis.call('ZREM', C.all, run)
    deleted = deleted + 1
  end
end
if deleted > 0 then emit('runs.purged', nil, nil, nil, fmt(deleted)) end
return { 'OK', deleted, #ids }
