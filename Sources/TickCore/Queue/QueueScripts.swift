/// The Lua scripts that move jobs between states in one atomic Redis round trip each.
///
/// Keys are derived from a prefix (default `tick`), see docs/data-model.md:
/// `P:job:ID` (hash), `P:q:QUEUE:ready` (zset by priority then enqueue time), `P:q:QUEUE:delayed`
/// (zset by run-at), `P:q:QUEUE:leased` (zset by lease expiry), `P:q:QUEUE:dead` (zset by time),
/// `P:queues` (set). Times are passed in ARGV (milliseconds): Upstash may not allow `TIME` in scripts.
public enum QueueScripts: Sendable {
    /// ARGV: prefix, now, then per job: id, queue, priority, run_at (or ""), max_attempts, spec.
    /// Returns per job 1 (enqueued) or 0 (an existing job has that id).
    public static let enqueue = RedisScript(
        """
        local p, now = ARGV[1], tonumber(ARGV[2])
        local out = {}
        for i = 3, #ARGV, 6 do
          local id, q, prio, runat, maxa, spec = ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), ARGV[i+3], ARGV[i+4], ARGV[i+5]
          local jk = p .. ':job:' .. id
          if redis.call('EXISTS', jk) == 1 then
            out[#out + 1] = 0
          else
            local score = string.format('%.0f', (100 - prio) * 1e13 + now)
            redis.call('HSET', jk, 'spec', spec, 'queue', q, 'attempt', 0, 'fence', 0, 'score', score,
              'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now)
            if runat ~= '' and tonumber(runat) > now then
              redis.call('HSET', jk, 'state', 'delayed')
              redis.call('ZADD', p .. ':q:' .. q .. ':delayed', runat, id)
            else
              redis.call('HSET', jk, 'state', 'ready')
              redis.call('ZADD', p .. ':q:' .. q .. ':ready', score, id)
            end
            redis.call('SADD', p .. ':queues', q)
            out[#out + 1] = 1
          end
        end
        return out
        """)

    /// ARGV: prefix, now, batch, lease_ms, first_sighting_ms, number of queues, queue..., then per schedule:
    /// name, catch_up (`skip` or `all`), job template (JSON whose id is `@TICK_SCHEDULE_ID@`), queue,
    /// priority, max_attempts, number of slots, slot... (Unix ms, ascending).
    ///
    /// First the schedules: each slot after the schedule's last enqueued slot (`P:schedules`, a hash of name
    /// to slot ms; a schedule never seen considers only slots after now - first_sighting_ms) and not after
    /// now is enqueued as job `sched:<name>:<slot s>` unless that job exists (`skip`: only the latest such
    /// slot), and the last slot is moved on. Then, for each queue in order: moves due delayed jobs to ready,
    /// takes back expired leases (dead-lettering a job whose last attempt's lease expired), and leases ready
    /// jobs by priority until the batch is full.
    /// Returns `{ {id, spec, attempt, fence, queue, ...}, {dead id, ...}, {scheduled id, ...} }`.
    public static let claim = RedisScript(
        """
        local p, now, batch, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local first, nq = tonumber(ARGV[5]), tonumber(ARGV[6])
        local out, dead, taken, scheduled = {}, {}, 0, {}
        local skey = p .. ':schedules'
        local i = 7 + nq
        while i <= #ARGV do
          local name, mode, template, sq, prio, maxa = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4]), ARGV[i+5]
          local n = tonumber(ARGV[i+6])
          local last = tonumber(redis.call('HGET', skey, name) or '') or (now - first)
          local due = {}
          for k = 1, n do
            local slot = tonumber(ARGV[i + 6 + k])
            if slot > last and slot <= now then due[#due + 1] = slot end
          end
          i = i + 7 + n
          if #due > 0 then
            if mode == 'skip' then due = {due[#due]} end
            for _, slot in ipairs(due) do
              local id = 'sched:' .. name .. ':' .. string.format('%.0f', math.floor(slot / 1000))
              local jk = p .. ':job:' .. id
              if redis.call('EXISTS', jk) == 0 then
                local spec = string.gsub(template, '@TICK_SCHEDULE_ID@', id, 1)
                local score = string.format('%.0f', (100 - prio) * 1e13 + now)
                redis.call('HSET', jk, 'spec', spec, 'queue', sq, 'attempt', 0, 'fence', 0, 'score', score,
                  'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now, 'state', 'ready', 'schedule', name,
                  'slot', string.format('%.0f', slot))
                redis.call('ZADD', p .. ':q:' .. sq .. ':ready', score, id)
                redis.call('SADD', p .. ':queues', sq)
                scheduled[#scheduled + 1] = id
              end
            end
            redis.call('HSET', skey, name, string.format('%.0f', due[#due]))
          end
        end
        local function to_ready(base, jk, id)
          local score = redis.call('HGET', jk, 'score')
          if score then
            redis.call('ZADD', base .. ':ready', score, id)
            redis.call('HSET', jk, 'state', 'ready')
          end
        end
        for qi = 7, 6 + nq do
          local q = ARGV[qi]
          local base = p .. ':q:' .. q
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':delayed', '-inf', now, 'LIMIT', 0, 1000)) do
            local jk = p .. ':job:' .. id
            redis.call('ZREM', base .. ':delayed', id)
            to_ready(base, jk, id)
          end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':leased', '-inf', now, 'LIMIT', 0, 1000)) do
            local jk = p .. ':job:' .. id
            redis.call('ZREM', base .. ':leased', id)
            local attempt = tonumber(redis.call('HGET', jk, 'attempt') or '0')
            local maxa = tonumber(redis.call('HGET', jk, 'max_attempts') or '5')
            if attempt >= maxa then
              redis.call('HSET', jk, 'state', 'dead', 'updated_at', now, 'error',
                'lease expired on attempt ' .. attempt .. ' of ' .. maxa .. ': the run that held it died or stalled')
              redis.call('ZADD', base .. ':dead', now, id)
              dead[#dead + 1] = id
            else
              to_ready(base, jk, id)
            end
          end
          if taken < batch then
            for _, id in ipairs(redis.call('ZRANGE', base .. ':ready', 0, batch - taken - 1)) do
              local jk = p .. ':job:' .. id
              redis.call('ZREM', base .. ':ready', id)
              local spec = redis.call('HGET', jk, 'spec')
              if spec then
                local attempt = redis.call('HINCRBY', jk, 'attempt', 1)
                local fence = redis.call('HINCRBY', jk, 'fence', 1)
                redis.call('HSET', jk, 'state', 'leased', 'lease_until', now + lease, 'updated_at', now)
                redis.call('ZADD', base .. ':leased', now + lease, id)
                out[#out + 1] = id
                out[#out + 1] = spec
                out[#out + 1] = attempt
                out[#out + 1] = fence
                out[#out + 1] = q
                taken = taken + 1
              end
            end
          end
        end
        return {out, dead, scheduled}
        """)

    /// ARGV: prefix, now, done_ttl_seconds, then per job: op, queue, id, fence, delay_ms, message.
    /// op is `done`, `retry` (to delayed after delay_ms), `dead` (with message), or `release` (back to ready
    /// at once, the attempt not counted). Each applies only if the job's fence still equals the given one
    /// (the lease was not taken over). Returns per job 1 (applied) or 0 (lease lost: left untouched).
    /// A repeat of an acknowledgement that already applied (the client retried because the first reply was
    /// lost) changes nothing and returns 1 again: same fence, no longer leased, already in the op's state.
    public static let acknowledge = RedisScript(
        """
        local p, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        local out = {}
        local reached = {done = 'done', retry = 'delayed', dead = 'dead', release = 'ready'}
        for i = 4, #ARGV, 6 do
          local op, q, id, fence, delay, msg = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4]), ARGV[i+5]
          local jk = p .. ':job:' .. id
          local base = p .. ':q:' .. q
          if redis.call('HGET', jk, 'fence') ~= fence then
            out[#out + 1] = 0
          elseif redis.call('ZREM', base .. ':leased', id) == 0 then
            out[#out + 1] = (redis.call('HGET', jk, 'state') == reached[op]) and 1 or 0
          else
            if op == 'done' then
              redis.call('HSET', jk, 'state', 'done', 'updated_at', now)
              redis.call('HDEL', jk, 'error', 'lease_until')
              redis.call('EXPIRE', jk, ttl)
            elseif op == 'retry' then
              redis.call('HSET', jk, 'state', 'delayed', 'updated_at', now, 'error', msg)
              redis.call('ZADD', base .. ':delayed', now + delay, id)
            elseif op == 'dead' then
              redis.call('HSET', jk, 'state', 'dead', 'updated_at', now, 'error', msg)
              redis.call('ZADD', base .. ':dead', now, id)
            else
              redis.call('HINCRBY', jk, 'attempt', -1)
              redis.call('HSET', jk, 'state', 'ready', 'updated_at', now)
              redis.call('ZADD', base .. ':ready', redis.call('HGET', jk, 'score') or now, id)
            end
            out[#out + 1] = 1
          end
        end
        return out
        """)

    /// ARGV: prefix, now. Returns per known queue `{queue, ready, delayed, leased, dead, due delayed, expired leases,
    /// oldest ready enqueued_at (ms, or nil when nothing is ready)}`.
    ///
    /// A ready job's score is `(100 - priority) * 1e13 + enqueued_at`, so the oldest ready job is the head of
    /// one of the priority bands: the script visits the head of each non-empty band (one `ZRANGEBYSCORE ...
    /// LIMIT 0 1` per band, at most 101) and keeps the earliest enqueue time.
    public static let stats = RedisScript(
        """
        local p, now = ARGV[1], tonumber(ARGV[2])
        local out = {}
        local queues = redis.call('SMEMBERS', p .. ':queues')
        table.sort(queues)
        for _, q in ipairs(queues) do
          local base = p .. ':q:' .. q
          local oldest, from = false, '-inf'
          while true do
            local head = redis.call('ZRANGEBYSCORE', base .. ':ready', from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
            if #head == 0 then break end
            local score = tonumber(head[2])
            local band = math.floor(score / 1e13)
            local at = score - band * 1e13
            if not oldest or at < oldest then oldest = at end
            from = string.format('%.0f', (band + 1) * 1e13)
          end
          out[#out + 1] = {q, redis.call('ZCARD', base .. ':ready'), redis.call('ZCARD', base .. ':delayed'),
            redis.call('ZCARD', base .. ':leased'), redis.call('ZCARD', base .. ':dead'),
            redis.call('ZCOUNT', base .. ':delayed', '-inf', now), redis.call('ZCOUNT', base .. ':leased', '-inf', now), oldest}
        end
        return out
        """)
}
