-- Bring one player's membership of some segments to the wanted state, and for each set
-- that really changed, update the player's segment index and append the event to the
-- outbox in the same atomic call (DESIGN decision 3). Every key is in slot {p}.
--
-- KEYS[1] psegs:{p}:<player>    KEYS[2] outbox:{p}:segment-svc
-- KEYS[3..] seg:{p}:<segment id>, one per entry
-- ARGV[1] player id   ARGV[2] topic
-- ARGV[3 + 3*(i-1) ..] per entry i: segment id, '1' (enter) or '0' (exit), event JSON
-- Returns the number of events appended.
local player = ARGV[1]
local topic = ARGV[2]
local emitted = 0
for i = 3, #KEYS do
  local base = 3 + (i - 3) * 3
  local segment_id = ARGV[base]
  local enter = ARGV[base + 1] == '1'
  local changed
  if enter then
    changed = redis.call('SADD', KEYS[i], player)
  else
    changed = redis.call('SREM', KEYS[i], player)
  end
  if changed == 1 then
    if enter then
      redis.call('SADD', KEYS[1], segment_id)
    else
      redis.call('SREM', KEYS[1], segment_id)
    end
    redis.call('XADD', KEYS[2], '*', 't', topic, 'k', player, 'v', ARGV[base + 2])
    emitted = emitted + 1
  end
end
return emitted
