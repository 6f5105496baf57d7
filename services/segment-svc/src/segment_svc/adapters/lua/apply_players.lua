-- Apply the outcome of a batch for the players of one shard, atomically (DESIGN decision 3):
-- bring each player's membership of some segments to the wanted state and, for each set
-- that really changed, update the player's segment index and append the event to the
-- outbox; remember the card events applied, so a redelivery of them is recognised.
-- Every key is in slot {p}; one call covers many players to spare per-command overhead.
--
-- KEYS[1] outbox:{p}:segment-svc, then per player: psegs, applied-events list, then one
--   seg:{p}:<id> per change
-- ARGV[1] topic  ARGV[2] applied ids kept  ARGV[3] their TTL (s), then per player:
--   player id, the 8-byte fingerprints of the card events applied (concatenated), m,
--   then m times: segment id, '1' (enter) or '0' (exit), event JSON
-- Returns the number of events appended.
local topic = ARGV[1]
local last_kept = tonumber(ARGV[2]) - 1
local ttl = tonumber(ARGV[3])
local k, a = 2, 4
local emitted = 0
while a <= #ARGV do
  local player = ARGV[a]
  local psegs, applied = KEYS[k], KEYS[k + 1]
  k = k + 2
  local marks = ARGV[a + 1]
  a = a + 2
  if #marks > 0 then
    local split = {}
    for j = 1, #marks, 8 do
      split[#split + 1] = string.sub(marks, j, j + 7)
    end
    redis.call('LPUSH', applied, unpack(split))
    redis.call('LTRIM', applied, 0, last_kept)
    redis.call('EXPIRE', applied, ttl)
  end
  local m = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, m do
    local segment_id, enter, body = ARGV[a], ARGV[a + 1] == '1', ARGV[a + 2]
    local set = KEYS[k]
    a, k = a + 3, k + 1
    local changed
    if enter then
      changed = redis.call('SADD', set, player)
    else
      changed = redis.call('SREM', set, player)
    end
    if changed == 1 then
      if enter then
        redis.call('SADD', psegs, segment_id)
      else
        redis.call('SREM', psegs, segment_id)
      end
      redis.call('XADD', KEYS[1], '*', 't', topic, 'k', player, 'v', body)
      emitted = emitted + 1
    end
  end
end
return emitted
