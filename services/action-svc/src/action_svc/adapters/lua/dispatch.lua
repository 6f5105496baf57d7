-- Dispatch a batch of (action, player, occurrence) in one shard, atomically per call:
-- dedupe on the idempotency key, apply the frequency caps, append the command to the
-- outbox, log the outcome and count it. A redelivered key is recognised and skipped, so
-- however often a batch is retried each key is logged, counted and enqueued once.
--
-- KEYS[1]  the shard's outbox stream
-- ARGV     now_ms, seen_ttl_ms, log_max, seen_prefix, log_prefix, stats_prefix, cap_prefix,
--          then 9 per item: action_id, key, player, occurrence, topic,
--          verdict ("d" dispatch / "s" suppressed), reason, caps ("scope,max,window_ms;..."),
--          command body
-- Returns  {dispatched, capped, suppressed, duplicates}
local now = tonumber(ARGV[1])
local seen_ttl = tonumber(ARGV[2])
local log_max = ARGV[3]
local seen_prefix, log_prefix, stats_prefix, cap_prefix = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local totals = {dispatched = 0, capped = 0, suppressed = 0}
local duplicates = 0
local by_action = {}

for i = 8, #ARGV, 9 do
  local action, key, player, occurrence = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local topic, verdict, reason, caps = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
  if redis.call('ZADD', seen_prefix .. action, 'NX', now, key) == 0 then
    duplicates = duplicates + 1
  else
    local outcome = 'dispatched'
    if verdict == 's' then
      outcome = 'suppressed'
    elseif caps ~= '' then
      -- Check every cap before counting this dispatch against any of them.
      for scope, max, window in string.gmatch(caps, '([^,;]+),(%d+),(%d+)') do
        local cap_key = cap_prefix .. scope .. ':' .. player
        redis.call('ZREMRANGEBYSCORE', cap_key, '-inf', now - tonumber(window))
        if redis.call('ZCARD', cap_key) >= tonumber(max) then
          outcome = 'capped'
          reason = 'frequency cap ' .. scope .. ': at most ' .. max .. ' per ' ..
            (tonumber(window) / 3600000) .. 'h'
          break
        end
      end
      if outcome == 'dispatched' then
        for scope, _, window in string.gmatch(caps, '([^,;]+),(%d+),(%d+)') do
          local cap_key = cap_prefix .. scope .. ':' .. player
          redis.call('ZADD', cap_key, now, key)
          redis.call('PEXPIRE', cap_key, window)
        end
      end
    end
    if outcome == 'dispatched' then
      redis.call('XADD', KEYS[1], '*', 't', topic, 'k', player, 'v', ARGV[i + 8])
    end
    redis.call('XADD', log_prefix .. action, 'MAXLEN', '~', log_max, '*',
      'k', key, 'p', player, 'o', outcome, 'r', reason, 'c', occurrence)
    totals[outcome] = totals[outcome] + 1
    local counts = by_action[action]
    if counts == nil then
      counts = {}
      by_action[action] = counts
    end
    counts[outcome] = (counts[outcome] or 0) + 1
  end
end

for action, counts in pairs(by_action) do
  for outcome, n in pairs(counts) do
    redis.call('HINCRBY', stats_prefix .. action, outcome, n)
  end
  -- Forget keys older than the dedupe horizon, so the sets do not grow forever.
  redis.call('ZREMRANGEBYSCORE', seen_prefix .. action, '-inf', now - seen_ttl)
end
return {totals.dispatched, totals.capped, totals.suppressed, duplicates}
