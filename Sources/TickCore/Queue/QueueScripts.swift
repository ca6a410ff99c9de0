/// The Lua scripts that move jobs between states in one atomic Redis round trip each.
///
/// Keys come from ``QueueKeys`` (its Lua prelude opens every script; `ARGV[1]` is always the prefix) and job
/// states from ``JobState`` (`ST.ready`, ...), see docs/data-model.md. Times are passed in ARGV
/// (milliseconds): Upstash may not allow `TIME` in scripts. Scripts that change jobs first check the
/// prefix's layout version (``QueueKeys/layoutVersion``) and refuse another one.
public enum QueueScripts: Sendable {
    /// What every script starts with: the keys, and the job states as `ST.<state>`.
    public static let prelude = QueueKeys.lua + "local ST = {" + JobState.allCases.map { "\($0.rawValue) = '\($0.rawValue)'" }.joined(separator: ", ") + "}\n"

    /// A script that starts with ``prelude``.
    public static func script(_ body: String) -> RedisScript { RedisScript(prelude + body) }

    /// ARGV: prefix, now, then per job: id, queue, priority, run_at (or ""), max_attempts, spec.
    /// Returns per job 1 (enqueued) or 0 (an existing job has that id).
    public static let enqueue = script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now = tonumber(ARGV[2])
        local out = {}
        for i = 3, #ARGV, 6 do
          local id, q, prio, runat, maxa, spec = ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), ARGV[i+3], ARGV[i+4], ARGV[i+5]
          local jk = job_key(id)
          if redis.call('EXISTS', jk) == 1 then
            out[#out + 1] = 0
          else
            local score = string.format('%.0f', (100 - prio) * 1e13 + now)
            redis.call('HSET', jk, 'spec', spec, 'queue', q, 'attempt', 0, 'fence', 0, 'score', score,
              'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now)
            if runat ~= '' and tonumber(runat) > now then
              redis.call('HSET', jk, 'state', ST.delayed)
              redis.call('ZADD', delayed_key(q), runat, id)
            else
              redis.call('HSET', jk, 'state', ST.ready)
              redis.call('ZADD', ready_key(q), score, id)
            end
            redis.call('SADD', queues_key, q)
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
    public static let claim = script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now, batch, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local first, nq = tonumber(ARGV[5]), tonumber(ARGV[6])
        local out, dead, taken, scheduled = {}, {}, 0, {}
        local skey = schedules_key
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
              local jk = job_key(id)
              if redis.call('EXISTS', jk) == 0 then
                local spec = string.gsub(template, '@TICK_SCHEDULE_ID@', id, 1)
                local score = string.format('%.0f', (100 - prio) * 1e13 + now)
                redis.call('HSET', jk, 'spec', spec, 'queue', sq, 'attempt', 0, 'fence', 0, 'score', score,
                  'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now, 'state', ST.ready, 'schedule', name,
                  'slot', string.format('%.0f', slot))
                redis.call('ZADD', ready_key(sq), score, id)
                redis.call('SADD', queues_key, sq)
                scheduled[#scheduled + 1] = id
              end
            end
            redis.call('HSET', skey, name, string.format('%.0f', due[#due]))
          end
        end
        local function to_ready(q, jk, id)
          local score = redis.call('HGET', jk, 'score')
          if score then
            redis.call('ZADD', ready_key(q), score, id)
            redis.call('HSET', jk, 'state', ST.ready)
          end
        end
        for qi = 7, 6 + nq do
          local q = ARGV[qi]
          local delayed, leased, ready = delayed_key(q), leased_key(q), ready_key(q)
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 1000)) do
            redis.call('ZREM', delayed, id)
            to_ready(q, job_key(id), id)
          end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', now, 'LIMIT', 0, 1000)) do
            local jk = job_key(id)
            redis.call('ZREM', leased, id)
            local attempt = tonumber(redis.call('HGET', jk, 'attempt') or '0')
            local maxa = tonumber(redis.call('HGET', jk, 'max_attempts') or '5')
            if attempt >= maxa then
              redis.call('HSET', jk, 'state', ST.dead, 'updated_at', now, 'error',
                'lease expired on attempt ' .. attempt .. ' of ' .. maxa .. ': the run that held it died or stalled')
              redis.call('ZADD', dead_key(q), now, id)
              dead[#dead + 1] = id
            else
              to_ready(q, jk, id)
            end
          end
          if taken < batch then
            for _, id in ipairs(redis.call('ZRANGE', ready, 0, batch - taken - 1)) do
              local jk = job_key(id)
              redis.call('ZREM', ready, id)
              local spec = redis.call('HGET', jk, 'spec')
              if spec then
                local attempt = redis.call('HINCRBY', jk, 'attempt', 1)
                local fence = redis.call('HINCRBY', jk, 'fence', 1)
                redis.call('HSET', jk, 'state', ST.leased, 'lease_until', now + lease, 'updated_at', now)
                redis.call('ZADD', leased, now + lease, id)
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
    public static let acknowledge = script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
        local out = {}
        local reached = {done = ST.done, retry = ST.delayed, dead = ST.dead, release = ST.ready}
        for i = 4, #ARGV, 6 do
          local op, q, id, fence, delay, msg = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4]), ARGV[i+5]
          local jk = job_key(id)
          if redis.call('HGET', jk, 'fence') ~= fence then
            out[#out + 1] = 0
          elseif redis.call('ZREM', leased_key(q), id) == 0 then
            out[#out + 1] = (redis.call('HGET', jk, 'state') == reached[op]) and 1 or 0
          else
            if op == 'done' then
              redis.call('HSET', jk, 'state', ST.done, 'updated_at', now)
              redis.call('HDEL', jk, 'error', 'lease_until')
              redis.call('EXPIRE', jk, ttl)
            elseif op == 'retry' then
              redis.call('HSET', jk, 'state', ST.delayed, 'updated_at', now, 'error', msg)
              redis.call('ZADD', delayed_key(q), now + delay, id)
            elseif op == 'dead' then
              redis.call('HSET', jk, 'state', ST.dead, 'updated_at', now, 'error', msg)
              redis.call('ZADD', dead_key(q), now, id)
            else
              redis.call('HINCRBY', jk, 'attempt', -1)
              redis.call('HSET', jk, 'state', ST.ready, 'updated_at', now)
              redis.call('ZADD', ready_key(q), redis.call('HGET', jk, 'score') or now, id)
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
    public static let stats = script(
        """
        local now = tonumber(ARGV[2])
        local out = {}
        local queues = redis.call('SMEMBERS', queues_key)
        table.sort(queues)
        for _, q in ipairs(queues) do
          local oldest, from = false, '-inf'
          while true do
            local head = redis.call('ZRANGEBYSCORE', ready_key(q), from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
            if #head == 0 then break end
            local score = tonumber(head[2])
            local band = math.floor(score / 1e13)
            local at = score - band * 1e13
            if not oldest or at < oldest then oldest = at end
            from = string.format('%.0f', (band + 1) * 1e13)
          end
          out[#out + 1] = {q, redis.call('ZCARD', ready_key(q)), redis.call('ZCARD', delayed_key(q)),
            redis.call('ZCARD', leased_key(q)), redis.call('ZCARD', dead_key(q)),
            redis.call('ZCOUNT', delayed_key(q), '-inf', now), redis.call('ZCOUNT', leased_key(q), '-inf', now), oldest}
        end
        return out
        """)
}
