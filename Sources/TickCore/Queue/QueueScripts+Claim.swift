extension QueueScripts {
    /// ARGV: prefix, now, batch, lease_ms, first_sighting_ms, dead-letter cutoff (ms: those that died before it
    /// are removed), cancelled cutoff (ms), the run's trigger, alerts (`1`: the run delivers alerts, so dead
    /// letters become `job.dead` events in `P:alerts` and the pending ones come back), flow limits (JSON or ``),
    /// the request's claim token (`` for none), number of queues, queue...,
    /// number of handlers,
    /// handler... (those the claiming run can execute), then per schedule: name, catch_up (`skip` or `all`), job
    /// template (JSON whose id is `@TICK_SCHEDULE_ID@`), queue, handler, priority, max_attempts, overlap
    /// (`` for `allow`, `reject` for `skip`, `queue_one`), concurrency_key, rate_key, number of slots, slot... (Unix
    /// ms, ascending).
    ///
    /// A request whose token was seen (`P:claimed:TOKEN`, kept for the lease) is a retry of one whose reply was lost,
    /// resent by the client or by libcurl: it answers the jobs the first leased, where they are still leased under
    /// the same fence, and does nothing else (`{jobs, {}, {}, {}, {}, {}, false, {}}`), so a request is safe to retry.
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
    /// {queue, handler, ready count, ...}, {paused queue, ...}, {alert event JSON, ...}, ready left, {skipped slot id, ...} }`
    /// (ready jobs left for want of a handler; the queues asked for that are paused; with alerts, the outbox's oldest
    /// ``alertBatch`` events; ready jobs of the run's handlers in unpaused queues left after this claim, for
    /// live progress: one ZCARD and one HGET per handler, no extra request; schedule slots not enqueued for their
    /// overlap policy).
    ///
    /// Flow control (docs/flow-control.md): a job with a flow key waits in its key's set, and the key takes
    /// turns in `P:q:QUEUE:keys:HANDLER` beside the handler's unkeyed jobs, by the same score. A key served goes
    /// behind every key of its priority band (round robin). A key at its concurrency or rate limit (``FlowLimits``,
    /// passed by the run) is parked until a running job of it ends or its window frees a start, so the claim never
    /// reads it again meanwhile: its cost does not grow with a limited key's backlog.
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
        local trigger, alerts, token, nq = ARGV[8], ARGV[9] == '1', ARGV[11], tonumber(ARGV[12])
        if token ~= '' then
          local seen = redis.call('GET', claimed_key(token))
          if seen then
            local again = {}
            for id, fence, q in string.gmatch(seen, '(%S+) (%S+) (%S+)') do
              local f = redis.call('HMGET', job_key(id), 'spec', 'attempt', 'fence', 'state')
              if f[1] and f[3] == fence and f[4] == ST.leased then
                for _, v in ipairs({id, f[1], tonumber(f[2]), tonumber(fence), q}) do again[#again + 1] = v end
              end
            end
            return {again, {}, {}, {}, {}, {}, false, {}}
          end
        end
        local lim = {h = {}, q = {}}
        if ARGV[10] ~= '' then lim = cjson.decode(ARGV[10]) end
        local nh = tonumber(ARGV[13 + nq])
        local known = {}
        for k = 1, nh do known[ARGV[13 + nq + k]] = true end
        local out, dead, taken, scheduled, skipped, mine, overlapped = {}, {}, 0, {}, {}, {}, {}
        local beat = trigger
        if beat == 'drain' then beat = 'manual' end
        redis.call('HSET', heartbeat_key, 'last', now, 'last_trigger', beat, beat, now)
        redis.call('HINCRBY', metrics_key, 'runs_total:' .. trigger, 1)
        redis.call('HINCRBY', metrics_key, 'requests_total', 1)
        redis.call('HINCRBY', metrics_key, 'commands_total', 1)
        local i = 14 + nq + nh
        while i <= #ARGV do
          local name, mode, template, sq, sh = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
          local prio, maxa, overlap, ck, rk = tonumber(ARGV[i+5]), ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9]
          local n = tonumber(ARGV[i+10])
          local last = tonumber(redis.call('HGET', schedules_key, name) or '') or (now - first)
          local due = {}
          for k = 1, n do
            local slot = tonumber(ARGV[i + 10 + k])
            if slot > last and slot <= now then due[#due + 1] = slot end
          end
          i = i + 11 + n
          if #due > 0 then
            if mode == 'skip' then due = {due[#due]} end
            for _, slot in ipairs(due) do
              local id = 'sched:' .. name .. ':' .. string.format('%.0f', math.floor(slot / 1000))
              local jk = job_key(id)
              local u = 'schedule:' .. name
              local verdict, holder = 'go', nil
              if overlap ~= '' then verdict, holder = unique_gate(sq, u, overlap) end
              if verdict == 'dup' then
                overlapped[#overlapped + 1] = id
              elseif redis.call('EXISTS', jk) == 0 then
                local spec = string.gsub(template, '@TICK_SCHEDULE_ID@', id, 1)
                local score = string.format('%.0f', (100 - prio) * 1e13 + now)
                redis.call('HSET', jk, 'spec', spec, 'queue', sq, 'handler', sh, 'attempt', 0, 'fence', 0, 'score', score,
                  'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now, 'schedule', name, 'slot', string.format('%.0f', slot))
                if ck ~= '' then redis.call('HSET', jk, 'ckey', ck, 'flow', ck) end
                if rk ~= '' or ck ~= '' then redis.call('HSET', jk, 'rkey', rk ~= '' and rk or ck) end
                if ck == '' and rk ~= '' then redis.call('HSET', jk, 'flow', rk) end
                if overlap ~= '' then
                  redis.call('HSET', jk, 'ukey', u, 'upolicy', overlap)
                  redis.call('HSET', uniques_key(sq), u, id)
                end
                if verdict == 'after' then
                  redis.call('HSET', jk, 'state', ST.delayed, 'after', holder, 'due', now)
                  redis.call('ZADD', delayed_key(sq), redis.call('HGET', job_key(holder), 'lease_until') or now, id)
                else
                  make_ready(sq, jk, id, score)
                end
                redis.call('SADD', queues_key, sq)
                scheduled[#scheduled + 1] = id
              end
            end
            redis.call('HSET', schedules_key, name, string.format('%.0f', due[#due]))
          end
        end
        local paused, pausedOut = {}, {}
        for _, name in ipairs(redis.call('SMEMBERS', paused_key)) do paused[name] = true end
        -- Set members added and removed in one command per set once the batch is chosen (not one per job).
        local adds, removes, record = {}, {}, {}
        local function later(list, key, ...)
          local l = list[key]
          if not l then
            l = {}
            list[key] = l
          end
          for _, v in ipairs({...}) do l[#l + 1] = v end
        end
        local function flush()
          for key, l in pairs(removes) do
            for i = 1, #l, 1000 do redis.call('ZREM', key, unpack(l, i, math.min(i + 999, #l))) end
          end
          for key, l in pairs(adds) do
            for i = 1, #l, 1000 do redis.call('ZADD', key, unpack(l, i, math.min(i + 999, #l))) end
          end
          adds, removes = {}, {}
        end
        local function lease_one(q, id)
          local jk = job_key(id)
          local f = redis.call('HMGET', jk, 'spec', 'attempt', 'fence')
          local spec = f[1]
          if not spec then return false end
          local attempt, fence = (tonumber(f[2]) or 0) + 1, (tonumber(f[3]) or 0) + 1
          redis.call('HSET', jk, 'attempt', attempt, 'fence', fence, 'state', ST.leased, 'lease_until', now + lease, 'updated_at', now,
            'spec_bytes', #spec)
          later(adds, leased_key(q), now + lease, id)
          record[#record + 1] = id .. ' ' .. fence .. ' ' .. q
          out[#out + 1] = id
          out[#out + 1] = spec
          out[#out + 1] = attempt
          out[#out + 1] = fence
          out[#out + 1] = q
          taken = taken + 1
          return fence
        end
        local counts, expiring = {}, {}
        local function count(set, before)
          local n = counts[set]
          if n then return n end
          redis.call('ZREMRANGEBYSCORE', set, '-inf', before)
          n = redis.call('ZCARD', set)
          counts[set] = n
          return n
        end
        local function setting(l, key, field)
          local o = l.k and l.k[key]
          if o and o[field] ~= nil then return o[field] end
          return l[field]
        end
        -- Whether the head job of a flow key may start now: nil (and what to record when it does), else when to
        -- look again and, for a concurrency limit, the set of parked turns its running jobs release.
        local function gate(q, h, id)
          local l, scope = lim.h[h], 'h:' .. h
          if not l then l, scope = lim.q[q], 'q:' .. q end
          if not l then return nil end
          local f = redis.call('HMGET', job_key(id), 'ckey', 'rkey')
          local rs, ws, period
          if f[1] then
            local c = setting(l, f[1], 'c')
            if c then
              rs = running_key(scope .. '|' .. f[1])
              if count(rs, now) >= c then
                local first = redis.call('ZRANGE', rs, 0, 0, 'WITHSCORES')
                return tonumber(first[2]) or (now + lease), blocked_key(scope .. '|' .. f[1])
              end
            end
          end
          if f[2] then
            local jobs = setting(l, f[2], 'rj')
            period = setting(l, f[2], 'rp')
            if jobs and period then
              ws = krate_key(scope .. '|' .. f[2])
              if count(ws, now - period) >= jobs then
                local first = redis.call('ZRANGE', ws, 0, 0, 'WITHSCORES')
                return (tonumber(first[2]) or now) + period, nil
              end
            end
          end
          return nil, nil, function(started, fence)
            if rs then
              redis.call('ZADD', rs, now + lease, started)
              redis.call('HSET', job_key(started), 'running', scope .. '|' .. f[1])
              counts[rs] = counts[rs] + 1
            end
            if ws then
              redis.call('ZADD', ws, now, started .. ':' .. fence)
              if not expiring[ws] then
                redis.call('PEXPIRE', ws, period)
                expiring[ws] = true
              end
              counts[ws] = counts[ws] + 1
            end
          end
        end
        local swept = 0
        local function sweep(set, cutoff)
          if swept >= \(sweepLimit) then return end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', set, '-inf', '(' .. cutoff, 'LIMIT', 0, \(sweepLimit) - swept)) do
            redis.call('ZREM', set, id)
            redis.call('DEL', job_key(id))
            swept = swept + 1
          end
        end
        for qi = 13, 12 + nq do
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
            local f = redis.call('HMGET', jk, 'attempt', 'max_attempts', 'cancel', 'running', 'ukey')
            local attempt, maxa = tonumber(f[1] or '0'), tonumber(f[2] or '5')
            if f[4] then end_running(jk, id, f[4], now) end
            local op = attempt >= maxa and 'dead' or 'release'
            if f[3] then op = 'cancel' end
            if f[5] then op = unique_release(q, jk, id, f[5], op, now) end
            if op == 'cancel' then
              redis.call('HSET', jk, 'state', ST.cancelled, 'updated_at', now)
              redis.call('HDEL', jk, 'lease_until')
              redis.call('ZADD', cancelled_key(q), now, id)
            elseif op == 'dead' then
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
              local pk = parked_key(q, h)
              if not isPaused then
                mine[#mine + 1] = {q, h}
                for _, k in ipairs(redis.call('ZRANGEBYSCORE', pk, '-inf', now, 'LIMIT', 0, 1000)) do
                  redis.call('ZREM', pk, k)
                  token_back(q, h, k, now)
                end
              end
              if taken < batch and not isPaused then
                local rows = redis.call('ZRANGE', ready_key(q, h), 0, batch - taken - 1, 'WITHSCORES')
                for r = 1, #rows, 2 do heads[#heads + 1] = {tonumber(rows[r + 1]), rows[r], h, false} end
                local turns = redis.call('ZRANGE', keys_key(q, h), 0, batch - taken - 1, 'WITHSCORES')
                for r = 1, #turns, 2 do heads[#heads + 1] = {tonumber(turns[r + 1]), turns[r], h, true} end
                if #rows == 0 and #turns == 0 and redis.call('EXISTS', pk) == 0 then redis.call('SREM', handlers_key(q), h) end
              end
            else
              local n = redis.call('ZCARD', ready_key(q, h)) + (tonumber(redis.call('HGET', keyed_key(q), h)) or 0)
              if n == 0 then
                if redis.call('EXISTS', parked_key(q, h)) == 0 then redis.call('SREM', handlers_key(q), h) end
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
          local next = 1
          while next <= #heads and taken < batch do
            local c = heads[next]
            next = next + 1
            local h = c[3]
            if not c[4] then
              later(removes, ready_key(q, h), c[2])
              lease_one(q, c[2])
            else
              local k, kr = c[2], kready_key(q, h, c[2])
              local head = redis.call('ZRANGE', kr, 0, 0)
              if #head == 0 then
                redis.call('ZREM', keys_key(q, h), k)
              else
                local wake, bk, grant = gate(q, h, head[1])
                if wake then
                  redis.call('ZREM', keys_key(q, h), k)
                  redis.call('ZADD', parked_key(q, h), string.format('%.0f', wake), k)
                  if bk then redis.call('SADD', bk, q .. ' ' .. h) end
                else
                  redis.call('ZREM', kr, head[1])
                  redis.call('HINCRBY', keyed_key(q), h, -1)
                  local fence = lease_one(q, head[1])
                  if fence and grant then grant(head[1], fence) end
                  local after = redis.call('ZRANGE', kr, 0, 0, 'WITHSCORES')
                  if #after == 0 then
                    redis.call('ZREM', keys_key(q, h), k)
                  else
                    -- Round robin: the key's next turn comes after every key waiting in its priority band.
                    local turn = math.floor(tonumber(after[2]) / 1e13) * 1e13 + now
                    redis.call('ZADD', keys_key(q, h), string.format('%.0f', turn), k)
                    local at = #heads + 1
                    for j = next, #heads do
                      if heads[j][1] > turn then
                        at = j
                        break
                      end
                    end
                    table.insert(heads, at, {turn, k, h, true})
                  end
                end
              end
            end
          end
        end
        flush()
        if token ~= '' and #record > 0 then redis.call('SET', claimed_key(token), table.concat(record, ' '), 'PX', lease) end
        local left = 0
        for _, m in ipairs(mine) do
          left = left + redis.call('ZCARD', ready_key(m[1], m[2])) + (tonumber(redis.call('HGET', keyed_key(m[1]), m[2])) or 0)
        end
        return {out, dead, scheduled, skipped, pausedOut, pending_events(alerts), left, overlapped}
        """)
}
