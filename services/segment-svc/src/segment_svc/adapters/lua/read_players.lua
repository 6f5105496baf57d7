-- Read what the worker needs of some players of one shard, in one call: their segments, and
-- which of the batch's card events they have applied already. Compact arguments and replies
-- (a few strings per player) keep the client's packing and parsing cheap.
--
-- KEYS[1] any key of the shard (routes the call to slot {p}); the players' keys are built
--   from the prefixes below and share that hash tag
-- ARGV[1] psegs key prefix  ARGV[2] applied-events key prefix, then per player:
--   player id, the 8-byte fingerprints of the batch's card events for them, concatenated
-- Returns per player: segment ids joined by ',', and one char per fingerprint ('1' = applied).
local psegs_prefix, applied_prefix = ARGV[1], ARGV[2]
local out = {}
for a = 3, #ARGV, 2 do
  local player, marks = ARGV[a], ARGV[a + 1]
  out[#out + 1] = table.concat(redis.call('SMEMBERS', psegs_prefix .. player), ',')
  local seen = {}
  for _, mark in ipairs(redis.call('LRANGE', applied_prefix .. player, 0, -1)) do
    seen[mark] = true
  end
  local flags = {}
  for j = 1, #marks, 8 do
    flags[#flags + 1] = seen[string.sub(marks, j, j + 7)] and '1' or '0'
  end
  out[#out + 1] = table.concat(flags)
end
return out
