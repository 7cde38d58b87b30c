-- admissionPolicy v1
-- Purpose: set or clear the deployment-wide admission policy (which providers, models and
-- operations steps may use; see docs/concepts/policies.md). Workers read the `admission` field of
-- the control `meta` hash (cached about a second) before they take any limit; a denied step waits
-- in its partition's `delayed` set (ledger `policy.denied`). Idempotent.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] policy record JSON (`{"policy":{...},"setBy":"..."}`), "" to clear
-- ARGV[2] reason (control event)   ARGV[3] requested by
-- Returns: {"OK", changed (1|0), version, setAtMs}
--   meta fields: admission (record JSON), admissionAt (ms), admissionVer (bumped on each change)
-- Events: admission.policy_set (data: the record) | admission.policy_cleared (only when one was set).
-- @include ctl
local was = redis.call('HGET', C.meta, 'admission') or ''
if was == ARGV[1] then
  return { 'OK', 0, redis.call('HGET', C.meta, 'admissionVer') or '0',
    redis.call('HGET', C.meta, 'admissionAt') or '0' }
end
local ver = redis.call('HINCRBY', C.meta, 'admissionVer', 1)
if ARGV[1] == '' then
  redis.call('HDEL', C.meta, 'admission', 'admissionAt')
  emit('admission.policy_cleared', nil, nil, ARGV[2], nil)
  return { 'OK', 1, ver, '0' }
end
redis.call('HSET', C.meta, 'admission', ARGV[1], 'admissionAt', fmt(NOW))
emit('admission.policy_set', nil, nil, ARGV[2], ARGV[1])
return { 'OK', 1, ver, fmt(NOW) }
