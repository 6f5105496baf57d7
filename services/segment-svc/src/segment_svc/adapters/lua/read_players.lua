-- Read what the worker needs of the players of one shard in a batch, in one call: their
-- segments, and which of the batch's card events they have applied already. Compact replies
-- (one string each) keep the client's parsing cheap. Every key is in slot {p}.
--
-- KEYS: per player, psegs:{p}:<player> then their applied-events list
-- ARGV: per player, the 8-byte fingerprints of the batch's card events for them, concatenated
-- Returns per player: segment ids joined by ',', and one char per fingerprint ('1' = applied).
local out = {}
for i = 1, #KEYS, 2 do
  out[#out + 1] = table.concat(redis.call('SMEMBERS', KEYS[i]), ',')
  local marks = ARGV[(i + 1) / 2]
  local seen = {}
  for _, mark in ipairs(redis.call('LRANGE', KEYS[i + 1], 0, -1)) do
    seen[mark] = true
  end
  local flags = {}
  for j = 1, #marks, 8 do
    flags[#flags + 1] = seen[string.sub(marks, j, j + 7)] and '1' or '0'
  end
  out[#out + 1] = table.concat(flags)
end
return out
