extension QueueScripts {
    /// ARGV: prefix, now, batch, lease_ms, first_sighting_ms, dead-letter cutoff (ms: those that died before it
    /// are removed), cancelled cutoff (ms), the run's trigger, alerts (`1`: the run delivers alerts, so dead
    /// letters become `job.dead` events in `P:alerts` and the pending ones come back), number of queues, queue...,
    /// number of handlers,
    /// handler... (those the claiming run can execute), then per schedule: name, catch_up (`skip` or `all`), job
    /// template (JSON whose id is `@TICK_SCHEDULE_ID@`), queue, handler, priority, max_attempts, number of
    /// slots, slot... (Unix ms, ascending).
    ///
    /// First the heartbeat: `P:heartbeat` gets the run's time (as `last`, and under its trigger; `drain` counts as
    /// `manual`) and `P:metrics` counts the run and this request. Then the schedules: each slot after the schedule's last enqueued slot (`P:schedules`, a hash of name
    /// to slot ms; a schedule never seen considers only slots after now - first_sighting_ms) and not after
    /// now is enqueued as job `sched:<name>:<slot s>` unless that job exists (`skip`: only the latest such
    /// slot), and the last slot is moved on. Then, for each queue in order: takes in jobs a pre-layout-2
    /// enqueue script left in the old ready set, removes up to ``sweepLimit`` dead letters and cancelled jobs
    /// past their age (retention, at no request of its own), moves due delayed jobs to ready, takes back expired
    /// leases (dead-lettering a job whose last attempt's lease expired, cancelling one `tick cancel` marked),
    /// and leases ready jobs of the named handlers
    /// by priority, then enqueue time, across their sets, until the batch is full. Ready jobs of other
    /// handlers are counted, never touched. A paused queue (`P:paused`: its name, or `*`) gets its
    /// bookkeeping (due delayed jobs, expired leases) but leases nothing.
    /// Returns `{ {id, spec, attempt, fence, queue, ...}, {dead id, ...}, {scheduled id, ...},
    /// {queue, handler, ready count, ...}, {paused queue, ...}, {alert event JSON, ...}, ready left }` (ready jobs
    /// left for want of a handler; the queues asked for that are paused; with alerts, the outbox's oldest
    /// ``alertBatch`` events; ready jobs of the run's handlers in unpaused queues left after this claim, for
    /// live progress: one ZCARD per handler, no extra request).
    /// Dead letters and cancelled jobs one claim removes at most (all its queues together): retention in small
    /// steps, so a claim never runs long; 20 per run a minute is 28,800 a day.
    public static let sweepLimit = 20

    /// Alert events a claim or an acknowledgement hands back at most, oldest first.
    public static let alertBatch = 100

    public static let claim = script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now, batch, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local first, deadCutoff, cancelledCutoff = tonumber(ARGV[5]), ARGV[6], ARGV[7]
        local trigger, alerts, nq = ARGV[8], ARGV[9] == '1', tonumber(ARGV[10])
        local nh = tonumber(ARGV[11 + nq])
        local known = {}
        for k = 1, nh do known[ARGV[11 + nq + k]] = true end
        local out, dead, taken, scheduled, skipped, mine = {}, {}, 0, {}, {}, {}
        local beat = trigger
        if beat == 'drain' then beat = 'manual' end
        redis.call('HSET', heartbeat_key, 'last', now, 'last_trigger', beat, beat, now)
        redis.call('HINCRBY', metrics_key, 'runs_total:' .. trigger, 1)
        redis.call('HINCRBY', metrics_key, 'requests_total', 1)
        redis.call('HINCRBY', metrics_key, 'commands_total', 1)
        local i = 12 + nq + nh
        while i <= #ARGV do
          local name, mode, template, sq, sh = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
          local prio, maxa, n = tonumber(ARGV[i+5]), ARGV[i+6], tonumber(ARGV[i+7])
          local last = tonumber(redis.call('HGET', schedules_key, name) or '') or (now - first)
          local due = {}
          for k = 1, n do
            local slot = tonumber(ARGV[i + 7 + k])
            if slot > last and slot <= now then due[#due + 1] = slot end
          end
          i = i + 8 + n
          if #due > 0 then
            if mode == 'skip' then due = {due[#due]} end
            for _, slot in ipairs(due) do
              local id = 'sched:' .. name .. ':' .. string.format('%.0f', math.floor(slot / 1000))
              local jk = job_key(id)
              if redis.call('EXISTS', jk) == 0 then
                local spec = string.gsub(template, '@TICK_SCHEDULE_ID@', id, 1)
                local score = string.format('%.0f', (100 - prio) * 1e13 + now)
                redis.call('HSET', jk, 'spec', spec, 'queue', sq, 'handler', sh, 'attempt', 0, 'fence', 0, 'score', score,
                  'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now, 'schedule', name, 'slot', string.format('%.0f', slot))
                make_ready(sq, jk, id, score)
                redis.call('SADD', queues_key, sq)
                scheduled[#scheduled + 1] = id
              end
            end
            redis.call('HSET', schedules_key, name, string.format('%.0f', due[#due]))
          end
        end
        local paused, pausedOut = {}, {}
        for _, name in ipairs(redis.call('SMEMBERS', paused_key)) do paused[name] = true end
        local swept = 0
        local function sweep(set, cutoff)
          if swept >= \(sweepLimit) then return end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', set, '-inf', '(' .. cutoff, 'LIMIT', 0, \(sweepLimit) - swept)) do
            redis.call('ZREM', set, id)
            redis.call('DEL', job_key(id))
            swept = swept + 1
          end
        end
        for qi = 11, 10 + nq do
          local q = ARGV[qi]
          sweep(dead_key(q), deadCutoff)
          sweep(cancelled_key(q), cancelledCutoff)
          local isPaused = paused[q] or paused['*']
          if isPaused then pausedOut[#pausedOut + 1] = q end
          local delayed, leased = delayed_key(q), leased_key(q)
          local legacy = legacy_ready_key(q)
          if redis.call('EXISTS', legacy) == 1 then
            local rows = redis.call('ZRANGE', legacy, 0, 999, 'WITHSCORES')
            for r = 1, #rows, 2 do
              redis.call('ZREM', legacy, rows[r])
              make_ready(q, job_key(rows[r]), rows[r], rows[r + 1])
            end
          end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 1000)) do
            local jk = job_key(id)
            redis.call('ZREM', delayed, id)
            local score = redis.call('HGET', jk, 'score')
            if score then make_ready(q, jk, id, score) end
          end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', now, 'LIMIT', 0, 1000)) do
            local jk = job_key(id)
            redis.call('ZREM', leased, id)
            local attempt = tonumber(redis.call('HGET', jk, 'attempt') or '0')
            local maxa = tonumber(redis.call('HGET', jk, 'max_attempts') or '5')
            if redis.call('HEXISTS', jk, 'cancel') == 1 then
              redis.call('HSET', jk, 'state', ST.cancelled, 'updated_at', now)
              redis.call('HDEL', jk, 'lease_until')
              redis.call('ZADD', cancelled_key(q), now, id)
            elseif attempt >= maxa then
              redis.call('HSET', jk, 'state', ST.dead, 'updated_at', now, 'error',
                'lease expired on attempt ' .. attempt .. ' of ' .. maxa .. ': the run that held it died or stalled')
              redis.call('ZADD', dead_key(q), now, id)
              dead[#dead + 1] = id
              redis.call('HINCRBY', metrics_key, 'jobs_total:dead', 1)
              if alerts then push_dead_event(jk, id, q, now) end
            else
              local score = redis.call('HGET', jk, 'score')
              if score then make_ready(q, jk, id, score) end
            end
          end
          local heads = {}
          for _, h in ipairs(redis.call('SMEMBERS', handlers_key(q))) do
            if known[h] then
              if not isPaused then mine[#mine + 1] = ready_key(q, h) end
              if taken < batch and not isPaused then
                local rows = redis.call('ZRANGE', ready_key(q, h), 0, batch - taken - 1, 'WITHSCORES')
                if #rows == 0 then redis.call('SREM', handlers_key(q), h) end
                for r = 1, #rows, 2 do heads[#heads + 1] = {tonumber(rows[r + 1]), rows[r], h} end
              end
            else
              local n = redis.call('ZCARD', ready_key(q, h))
              if n == 0 then
                redis.call('SREM', handlers_key(q), h)
              else
                skipped[#skipped + 1] = q
                skipped[#skipped + 1] = h
                skipped[#skipped + 1] = n
              end
            end
          end
          table.sort(heads, function(a, b)
            if a[1] ~= b[1] then return a[1] < b[1] end
            return a[2] < b[2]
          end)
          for k = 1, math.min(#heads, batch - taken) do
            local id, h = heads[k][2], heads[k][3]
            local jk = job_key(id)
            redis.call('ZREM', ready_key(q, h), id)
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
        local left = 0
        for _, key in ipairs(mine) do left = left + redis.call('ZCARD', key) end
        return {out, dead, scheduled, skipped, pausedOut, pending_events(alerts), left}
        """)
}
