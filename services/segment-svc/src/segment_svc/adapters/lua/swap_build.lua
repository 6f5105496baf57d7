-- Swap a freshly built shard set in for the live one, atomically with its consequences:
-- the players' segment indexes, one outbox event per player who entered or exited, the
-- shard's built revision, and the invalidation of the segments that read this one (so a
-- crash before they are rebuilt still rebuilds them). Every key is in slot {p}.
--
-- KEYS[1] build set   KEYS[2] live set   KEYS[3] segrev:{p}   KEYS[4] outbox:{p}:segment-svc
-- ARGV[1] segment id  ARGV[2] revision   ARGV[3] psegs key prefix (player id appended)
-- ARGV[4] topic       ARGV[5] cause_event_id   ARGV[6] occurred_at (ISO 8601)
-- ARGV[7..] ids of dependent segments whose built revision must be forgotten
-- Returns {entered, exited}.
local segment_id = ARGV[1]
local psegs_prefix = ARGV[3]
local topic = ARGV[4]
local cause_id = ARGV[5]
local occurred_at = ARGV[6]

local function emit(player, change)
  local body = cjson.encode({
    event_id = 'seg:' .. segment_id .. ':' .. change .. ':' .. cause_id .. ':' .. player,
    version = 1,
    occurred_at = occurred_at,
    type = 'segment_membership_changed',
    player_id = player,
    segment_id = tonumber(segment_id),
    change = change,
    cause = 'definition',
    cause_event_id = cause_id,
  })
  redis.call('XADD', KEYS[4], '*', 't', topic, 'k', player, 'v', body)
end

local entered = {}
local exited = redis.call('SDIFF', KEYS[2], KEYS[1])
if redis.call('EXISTS', KEYS[1]) == 1 then
  entered = redis.call('SDIFF', KEYS[1], KEYS[2])
  redis.call('RENAME', KEYS[1], KEYS[2])
else
  -- An empty result leaves no build key behind: the segment is empty in this shard.
  redis.call('DEL', KEYS[2])
end
for _, player in ipairs(entered) do
  redis.call('SADD', psegs_prefix .. player, segment_id)
  emit(player, 'entered')
end
for _, player in ipairs(exited) do
  redis.call('SREM', psegs_prefix .. player, segment_id)
  emit(player, 'exited')
end
redis.call('PERSIST', KEYS[2])
redis.call('HSET', KEYS[3], segment_id, ARGV[2])
for i = 7, #ARGV do
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return {#entered, #exited}
