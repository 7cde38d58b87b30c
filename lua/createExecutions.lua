-- createExecutions v1
-- Purpose: create M executions of one stored (or given) definition in one partition, all or none
-- (the batch form of createExecution: the same per-execution writes, via includes/create.lua).
-- Cost: O(M * roots); O(steps) once per definition and partition (when ARGV[4]=1).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] definition fingerprint (sha256 hex)
-- ARGV[2] pipeline name (ledger)
-- ARGV[3] execution count M (>= 1)
-- ARGV[4] "1" when the definition follows the executions, "0" when the caller believes it is stored
-- ARGV[5 .. 4+2M] M pairs: executionId (no `|`), pipeline input JSON
-- ARGV[5+2M ..] the definition when ARGV[4]=1, laid out as createExecution's ARGV[6..]
--   (includes/definition.lua: IR JSON, step count N, N groups of 9 fields)
-- Returns: {"OK", first ledger stream id of each execution, in ARGV order...}
--   | {"NEED_DEF"} (definition unknown: resend with it)
--   | {"EXECUTION_EXISTS", executionId} (that id exists or appears twice; nothing was written)
-- Ledger: execution.created per execution (same fields as createExecution); step.ready implied.
-- @include base
-- @include settle
-- @include definition
-- @include create
local fp, name, m = ARGV[1], ARGV[2], tonumber(ARGV[3])
-- Every check before the first write, so a refused batch leaves the partition untouched.
local seen = {}
for i = 0, m - 1 do
  local exec = ARGV[5 + i * 2]
  if seen[exec] or xget(exec, 'status') then return { 'EXECUTION_EXISTS', exec } end
  seen[exec] = true
end
local known = redis.call('HGET', K.def, fp .. ':n')
if not known then
  if ARGV[4] ~= '1' then return { 'NEED_DEF' } end
  known = store_definition(fp, 5 + m * 2)
end
local roots = csv(redis.call('HGET', K.def, fp .. ':roots'))
local reply = { 'OK' }
for i = 0, m - 1 do
  reply[#reply + 1] = create_execution(ARGV[5 + i * 2], fp, ARGV[6 + i * 2], name, known, roots)
end
wake(m * #roots)
return reply
