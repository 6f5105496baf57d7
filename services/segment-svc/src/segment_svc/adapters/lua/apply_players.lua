-- Apply a batch's outcome for some players of one shard, atomically (DESIGN decision 3):
-- bring each player's membership of some segments to the wanted state and, for each set that
-- really changed, update the player's segment index and append the event to the outbox;
-- remember the card events applied, so a redelivery of them is recognised. One call covers
-- many players, with a few string arguments each, to spare per-command client overhead.
--
-- KEYS[1] outbox:{p}:segment-svc; the other keys are built from the prefixes below and share
--   its hash tag {p}
-- ARGV[1] topic  ARGV[2] applied ids kept  ARGV[3] their TTL (s)
-- ARGV[4] psegs key prefix  ARGV[5] applied-events key prefix  ARGV[6] segment set key prefix
-- then per player: player id; the 8-byte fingerprints of the card events applied,
--   concatenated; the changes as '<segment id>+' (enter) or '<segment id>-' (exit) joined
--   by ','; their event JSON documents joined by '\n' (JSON text has no raw newline)
-- Returns the number of events appended.
local topic = ARGV[1]
local last_kept, ttl = tonumber(ARGV[2]) - 1, tonumber(ARGV[3])
local psegs_prefix, applied_prefix, set_prefix = ARGV[4], ARGV[5], ARGV[6]
local emitted = 0
for a = 7, #ARGV, 4 do
  local player, marks, spec, bodies = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  if #marks > 0 then
    local applied = applied_prefix .. player
    local split = {}
    for j = 1, #marks, 8 do
      split[#split + 1] = string.sub(marks, j, j + 7)
    end
    redis.call('LPUSH', applied, unpack(split))
    redis.call('LTRIM', applied, 0, last_kept)
    redis.call('EXPIRE', applied, ttl)
  end
  local from = 1
  for item in string.gmatch(spec, '[^,]+') do
    local segment_id, enter = string.sub(item, 1, -2), string.sub(item, -1) == '+'
    local stop = string.find(bodies, '\n', from, true) or (#bodies + 1)
    local body = string.sub(bodies, from, stop - 1)
    from = stop + 1
    local changed
    if enter then
      changed = redis.call('SADD', set_prefix .. segment_id, player)
    else
      changed = redis.call('SREM', set_prefix .. segment_id, player)
    end
    if changed == 1 then
      if enter then
        redis.call('SADD', psegs_prefix .. player, segment_id)
      else
        redis.call('SREM', psegs_prefix .. player, segment_id)
      end
      redis.call('XADD', KEYS[1], '*', 't', topic, 'k', player, 'v', body)
      emitted = emitted + 1
    end
  end
end
return emitted
