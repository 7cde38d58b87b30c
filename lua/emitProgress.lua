-- emitProgress v1
-- Purpose: append a batch of progress events (e.g. `llm.delta` streaming deltas) of one running
-- step attempt to the partition's capped progress stream, fenced by the claim token: a stale or
-- recovered worker's events are dropped, so a follower never sees deltas of an attempt that no
-- longer owns the step. Progress events are NOT ledger events: no per-execution seq, no hash
-- chain, never shipped to the durable store; the stream is capped and may lose old entries.
-- Cost: O(batch) plus the trim.
-- KEYS[1..16] the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out,
--   err, ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- KEYS[17] progress stream `{<prefix>:<p>}:progress` (same hash tag, so same slot and node as the
--   ledger stream). Entry fields: e exec, s step, a attempt, k claim token (tells a recovered
--   claim's events from the earlier ones of the same attempt), t type, d data JSON, ts epoch ms
--   (Redis TIME), q the execution's ledger seq when appended (the event comes after ledger event
--   q and before q+1: followers merge the two streams exactly by it).
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token
-- ARGV[4] cap: approximate max entries kept (XTRIM MAXLEN ~ cap; 0 = no trim)
-- ARGV[5..] pairs: event type, data JSON text ("" = no data)
-- Returns: {"OK", appended}
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"STALE_TOKEN", currentStatus}
-- Ledger: none (progress is not a decision; a rejected batch is not audited, unlike a stale
--   complete/fail: it would flood the ledger).
-- @include base
-- @include fence
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
-- Rejected quietly, as a heartbeat is (the 'heartbeat' action writes no step.stale_rejected).
local fp, bad = fence(exec, step, token, '', 'heartbeat')
if not fp then return bad end
local stream = KEYS[17]
local attempt = redis.call('HGET', K.att, exec .. '|' .. step) or '1'
local seq = redis.call('HGET', K.x, exec .. ':seq') or '0'
local ts = fmt(NOW)
local n = 0
for i = 5, #ARGV - 1, 2 do
  local data = ARGV[i + 1]
  if data == '' then
    redis.call('XADD', stream, '*', 'e', exec, 's', step, 'a', attempt, 'k', token, 't', ARGV[i],
      'ts', ts, 'q', seq)
  else
    redis.call('XADD', stream, '*', 'e', exec, 's', step, 'a', attempt, 'k', token, 't', ARGV[i],
      'ts', ts, 'q', seq, 'd', data)
  end
  n = n + 1
end
local cap = tonumber(ARGV[4]) or 0
if cap > 0 and n > 0 then redis.call('XTRIM', stream, 'MAXLEN', '~', fmt(cap)) end
return { 'OK', n }
