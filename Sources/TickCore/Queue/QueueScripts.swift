/// The Lua scripts that move jobs between states in one atomic Redis round trip each.
///
/// Keys come from ``QueueKeys`` (its Lua prelude opens every script; `ARGV[1]` is always the prefix) and job
/// states from ``JobState`` (`ST.ready`, ...), see docs/data-model.md. Times are passed in ARGV
/// (milliseconds): Upstash may not allow `TIME` in scripts. Scripts that change jobs first check the
/// prefix's layout version (``QueueKeys/layoutVersion``) and refuse another one.
public enum QueueScripts: Sendable {
    /// What every script starts with: the keys, the job states as `ST.<state>`, and two helpers:
    /// `handler_of(jk)` (the handler a job names: its hash's `handler`, else read from its spec once and
    /// stored, for jobs written before layout 2) and `make_ready(q, jk, id, score)` (into its handler's ready set, or its flow key's, see docs/flow-control.md),
    /// `unready(q, jk, id)` (the reverse), `token_back` (a parked key's turn back), `end_running` (a running job
    /// of a limited key ends: its count drops and the key's parked turns come back), and the unique-key helpers
    /// `unique_gate`, `supersede` and `unique_release`.
    public static let prelude =
        QueueKeys.lua + "local ST = {" + JobState.allCases.map { "\($0.rawValue) = '\($0.rawValue)'" }.joined(separator: ", ") + "}\n"
        + """
        local function handler_of(jk)
          local h = redis.call('HGET', jk, 'handler')
          if h then return h end
          local spec = redis.call('HGET', jk, 'spec') or ''
          local ok, decoded = pcall(function() return cjson.decode(spec) end)
          if ok and type(decoded) == 'table' and type(decoded['handler']) == 'string' then
            h = decoded['handler']
          else
            h = string.match(spec, '"handler"%s*:%s*"([^"]*)"') or ''
          end
          redis.call('HSET', jk, 'handler', h)
          return h
        end
        local function make_ready(q, jk, id, score)
          local f = redis.call('HMGET', jk, 'handler', 'flow')
          local h, k = f[1] or handler_of(jk), f[2]
          if k then
            if redis.call('ZADD', kready_key(q, h, k), score, id) == 1 then redis.call('HINCRBY', keyed_key(q), h, 1) end
            if not redis.call('ZSCORE', parked_key(q, h), k) then
              local turn = redis.call('ZSCORE', keys_key(q, h), k)
              if not turn or tonumber(score) < tonumber(turn) then redis.call('ZADD', keys_key(q, h), score, k) end
            end
          else
            redis.call('ZADD', ready_key(q, h), score, id)
          end
          redis.call('SADD', handlers_key(q), h)
          redis.call('HSET', jk, 'state', ST.ready)
        end
        local function token_back(q, h, k, now)
          local head = redis.call('ZRANGE', kready_key(q, h, k), 0, 0, 'WITHSCORES')
          if #head == 0 then return end
          redis.call('ZADD', keys_key(q, h), string.format('%.0f', math.floor(tonumber(head[2]) / 1e13) * 1e13 + now), k)
          redis.call('SADD', handlers_key(q), h)
        end
        local function unready(q, jk, id)
          local f = redis.call('HMGET', jk, 'handler', 'flow')
          local h, k = f[1] or handler_of(jk), f[2]
          if not k then return redis.call('ZREM', ready_key(q, h), id) end
          if redis.call('ZREM', kready_key(q, h, k), id) == 0 then return 0 end
          redis.call('HINCRBY', keyed_key(q), h, -1)
          if redis.call('EXISTS', kready_key(q, h, k)) == 0 then redis.call('ZREM', keys_key(q, h), k) end
          return 1
        end
        local function end_running(jk, id, s, now)
          redis.call('HDEL', jk, 'running')
          redis.call('ZREM', running_key(s), id)
          local k = string.sub(s, string.find(s, '|', 1, true) + 1)
          local bk = blocked_key(s)
          for _, m in ipairs(redis.call('SMEMBERS', bk)) do
            local sp = string.find(m, ' ', 1, true)
            local q, h = string.sub(m, 1, sp - 1), string.sub(m, sp + 1)
            if redis.call('ZREM', parked_key(q, h), k) == 1 then token_back(q, h, k, now) end
          end
          redis.call('DEL', bk)
        end
        local function unique_gate(q, u, pol)
          local holder = redis.call('HGET', uniques_key(q), u)
          if not holder then return 'go' end
          local st = redis.call('HGET', job_key(holder), 'state')
          local waiting = st == ST.ready or st == ST.delayed
          if not waiting and st ~= ST.leased then return 'go' end
          if pol == 'reject' or (waiting and pol == 'queue_one') then return 'dup' end
          if waiting then return 'supersede', holder end
          return 'after', holder
        end
        local function supersede(q, holder, by, now)
          local hk = job_key(holder)
          unready(q, hk, holder)
          redis.call('ZREM', delayed_key(q), holder)
          redis.call('HSET', hk, 'state', ST.cancelled, 'updated_at', now, 'error', 'superseded by ' .. by, 'cancel', now)
          redis.call('ZADD', cancelled_key(q), now, holder)
          local f = redis.call('HMGET', hk, 'after', 'debounce_since', 'enqueued_at')
          return f[1], tonumber(f[2] or f[3])
        end
        local function unique_release(q, jk, id, u, op, now)
          local latest = redis.call('HGET', uniques_key(q), u)
          if latest == id then
            if op ~= 'retry' and op ~= 'release' then redis.call('HDEL', uniques_key(q), u) end
            return op
          end
          if not latest then return op end
          local lk = job_key(latest)
          local g = redis.call('HMGET', lk, 'after', 'due', 'state')
          if g[1] == id and g[3] == ST.delayed then
            redis.call('HDEL', lk, 'after')
            redis.call('ZADD', delayed_key(q), string.format('%.0f', math.max(tonumber(g[2]) or now, now)), latest)
          end
          if op == 'retry' or op == 'release' then
            redis.call('HSET', jk, 'error', 'superseded by ' .. latest)
            return 'cancel'
          end
          return op
        end
        local function push_dead_event(jk, id, q, now)
          local f = redis.call('HMGET', jk, 'handler', 'error', 'attempt', 'fence')
          local event = cjson.encode({event = 'job.dead', id = 'job.dead:' .. id .. ':' .. (f[4] or '0'), at = tonumber(now),
            job = {id = id, queue = q, handler = f[1] or '', reason = f[2] or '', attempts = tonumber(f[3] or '0')}})
          redis.call('LPUSH', alerts_key, event)
          redis.call('LTRIM', alerts_key, 0, alert_outbox_limit - 1)
        end
        local function pending_events(wanted)
          if not wanted then return {} end
          return redis.call('LRANGE', alerts_key, -\(alertBatch), -1)
        end

        """

    /// A script that starts with the parts of ``prelude`` it uses: every `EVAL` carries its whole source, so a
    /// script does not carry the keys and helpers it never calls (``LuaPrelude``).
    public static func script(_ body: String) -> RedisScript { RedisScript(preludeParts.needed(by: body) + body) }

    /// ``prelude`` cut into its definitions.
    static let preludeParts = LuaPrelude(prelude)

    /// ARGV: prefix, now, then per job: id, queue, priority, run_at (or ""), max_attempts, spec, handler (or ""
    /// to read it from the spec), concurrency_key, rate_key, unique_key, unique_policy, debounce_ms,
    /// debounce_max_ms (each "" when not set; a unique key without a policy means `reject`, or `debounce` with a
    /// debounce_ms; `debounce` without debounce_ms is an error before anything is written). Returns per job 1 (enqueued) or 0 (an existing job has that id, or,
    /// under `reject`, a job with its unique key is waiting or running).
    ///
    /// A job with a unique key that meets a waiting one under `replace` or `debounce` supersedes it (the waiting
    /// one ends cancelled, "superseded by" the new id); behind a running one it waits (delayed, `after` it) until
    /// that one's acknowledgement. `debounce` delays the job by debounce_ms from now, at most debounce_max_ms
    /// after the burst's first enqueue (docs/flow-control.md).
    public static let enqueue = script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now = tonumber(ARGV[2])
        local out = {}
        -- Checked before anything is written: a script that fails half way keeps what it wrote.
        for i = 3, #ARGV, 13 do
          if ARGV[i+10] == 'debounce' and not tonumber(ARGV[i+11] or '') then
            return redis.error_reply('ERR job ' .. ARGV[i] .. ': unique_policy debounce needs debounce_ms')
          end
        end
        for i = 3, #ARGV, 13 do
          local id, q, prio, runat, maxa, spec, h = ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
          local ck, rk, u, pol = ARGV[i+7] or '', ARGV[i+8] or '', ARGV[i+9] or '', ARGV[i+10] or ''
          if u ~= '' and pol == '' then pol = tonumber(ARGV[i+11] or '') and 'debounce' or 'reject' end
          local jk = job_key(id)
          local verdict, holder = 'go', nil
          if redis.call('EXISTS', jk) == 1 then verdict = 'dup'
          elseif u ~= '' then verdict, holder = unique_gate(q, u, pol) end
          if verdict == 'dup' then
            out[#out + 1] = 0
          else
            local after, since = nil, now
            if verdict == 'supersede' then
              local a, s = supersede(q, holder, id, now)
              if pol == 'debounce' and s then since = s end
              if a and redis.call('HGET', job_key(a), 'state') == ST.leased then after = a end
            elseif verdict == 'after' then
              after = holder
            end
            local due = tonumber(runat) or 0
            if pol == 'debounce' then
              local quiet = now + tonumber(ARGV[i+11])
              if ARGV[i+12] ~= '' then quiet = math.min(quiet, since + tonumber(ARGV[i+12])) end
              due = math.max(due, quiet)
            end
            local score = string.format('%.0f', (100 - prio) * 1e13 + now)
            redis.call('HSET', jk, 'spec', spec, 'queue', q, 'attempt', 0, 'fence', 0, 'score', score,
              'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now)
            if h ~= nil and h ~= '' then redis.call('HSET', jk, 'handler', h) end
            if ck ~= '' then redis.call('HSET', jk, 'ckey', ck, 'flow', ck) end
            if rk ~= '' or ck ~= '' then redis.call('HSET', jk, 'rkey', rk ~= '' and rk or ck) end
            if ck == '' and rk ~= '' then redis.call('HSET', jk, 'flow', rk) end
            if u ~= '' then
              redis.call('HSET', jk, 'ukey', u, 'upolicy', pol, 'debounce_since', string.format('%.0f', since))
              redis.call('HSET', uniques_key(q), u, id)
            end
            if after then
              local until_ = redis.call('HGET', job_key(after), 'lease_until') or now
              redis.call('HSET', jk, 'state', ST.delayed, 'after', after, 'due', string.format('%.0f', due))
              redis.call('ZADD', delayed_key(q), string.format('%.0f', math.max(due, tonumber(until_))), id)
            elseif due > now then
              redis.call('HSET', jk, 'state', ST.delayed)
              redis.call('ZADD', delayed_key(q), string.format('%.0f', due), id)
            else
              make_ready(q, jk, id, score)
            end
            redis.call('SADD', queues_key, q)
            out[#out + 1] = 1
          end
        end
        return out
        """)

    /// ARGV: prefix, now, done_ttl_seconds, the run's items done, items failed, duration so far (ms), Redis
    /// requests and commands so far (the claim included), alerts (`1` or `0`, as in the claim), then per job: op,
    /// queue, id, fence, delay_ms, message.
    /// op is `done`, `retry` (to delayed after delay_ms), `dead` (with message), `release` (back to its
    /// handler's ready set at once, the attempt not counted) or `cancel` (to the cancelled set). A done job
    /// keeps a tombstone for the dedup window (`done_ttl_seconds`): its hash without `spec` (its size in
    /// `spec_bytes`), so an id enqueued again is still a duplicate while the payload's memory is freed at once. A job that
    /// `tick cancel` marked while it ran (its `cancel` field) ends cancelled whatever the op, unless `done`: it is
    /// never retried, released or dead-lettered; nor is one whose unique key a newer job took (`replace`,
    /// `debounce`: it ends cancelled, "superseded by" that job, which becomes due). A job that ran under a
    /// concurrency limit frees its place (``prelude``'s `end_running`). Each applies only if the job's fence still equals
    /// the given one (the lease was not taken over). Returns `{ {1 (applied) or 0 (lease lost: left untouched), ...},
    /// {alert event JSON, ...} }`.
    /// A repeat of an acknowledgement that already applied (the client retried because the first reply was
    /// lost) changes nothing and returns 1 again: same fence, no longer leased, already in the op's state.
    ///
    /// `P:metrics` counts each outcome (`jobs_total:<op>`) as it first applies, and the run (items, requests and
    /// commands, this one included, and its duration in a histogram) once, when at least one job applied for the
    /// first time in this call and the run counted requests (a hand-back counts only its jobs): a repeated
    /// acknowledgement counts nothing twice. With alerts, a dead-lettered job
    /// becomes a `job.dead` event in `P:alerts`, and the outbox's oldest events come back.
    public static let acknowledge = script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
        local alerts = ARGV[9] == '1'
        local out, fresh, outcomes, unleased = {}, 0, {}, {}
        local reached = {done = ST.done, retry = ST.delayed, dead = ST.dead, release = ST.ready, cancel = ST.cancelled}
        for i = 10, #ARGV, 6 do
          local op, q, id, fence, delay, msg = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4]), ARGV[i+5]
          local jk = job_key(id)
          -- A job is in its queue's leased set exactly while its state is leased: the state tells, and the set loses
          -- this batch's jobs in one ZREM per queue after the loop.
          local f = redis.call('HMGET', jk, 'fence', 'running', 'ukey', 'state', 'spec_bytes')
          if f[1] ~= fence then
            out[#out + 1] = 0
          elseif f[4] ~= ST.leased then
            local st = f[4]
            out[#out + 1] = (st == reached[op] or (st == ST.cancelled and op ~= 'done')) and 1 or 0
          else
            local l = unleased[q]
            if not l then
              l = {}
              unleased[q] = l
            end
            l[#l + 1] = id
            if f[2] then end_running(jk, id, f[2], now) end
            if op ~= 'done' and redis.call('HEXISTS', jk, 'cancel') == 1 then op = 'cancel' end
            if f[3] then op = unique_release(q, jk, id, f[3], op, now) end
            if op == 'cancel' then
              redis.call('HSET', jk, 'state', ST.cancelled, 'updated_at', now)
              redis.call('HDEL', jk, 'lease_until')
              redis.call('ZADD', cancelled_key(q), now, id)
            elseif op == 'done' then
              -- A tombstone for the dedup window: the payload goes (PostgreSQL keeps what the job did).
              redis.call('HSET', jk, 'state', ST.done, 'updated_at', now, 'spec_bytes', f[5] or redis.call('HSTRLEN', jk, 'spec'))
              redis.call('HDEL', jk, 'error', 'lease_until', 'spec', 'score')
              redis.call('EXPIRE', jk, ttl)
            elseif op == 'retry' then
              redis.call('HSET', jk, 'state', ST.delayed, 'updated_at', now, 'error', msg)
              redis.call('ZADD', delayed_key(q), now + delay, id)
            elseif op == 'dead' then
              redis.call('HSET', jk, 'state', ST.dead, 'updated_at', now, 'error', msg)
              redis.call('ZADD', dead_key(q), now, id)
              if alerts then push_dead_event(jk, id, q, now) end
            else
              redis.call('HINCRBY', jk, 'attempt', -1)
              redis.call('HSET', jk, 'updated_at', now)
              make_ready(q, jk, id, redis.call('HGET', jk, 'score') or now)
            end
            outcomes[op] = (outcomes[op] or 0) + 1
            fresh = fresh + 1
            out[#out + 1] = 1
          end
        end
        for q, l in pairs(unleased) do
          for i = 1, #l, 1000 do redis.call('ZREM', leased_key(q), unpack(l, i, math.min(i + 999, #l))) end
        end
        for op, n in pairs(outcomes) do redis.call('HINCRBY', metrics_key, 'jobs_total:' .. op, n) end
        if fresh > 0 and tonumber(ARGV[7]) > 0 then
          redis.call('HINCRBY', metrics_key, 'items_total:done', tonumber(ARGV[4]))
          redis.call('HINCRBY', metrics_key, 'items_total:failed', tonumber(ARGV[5]))
          redis.call('HINCRBY', metrics_key, 'requests_total', tonumber(ARGV[7]))
          redis.call('HINCRBY', metrics_key, 'commands_total', tonumber(ARGV[8]))
          local ms = tonumber(ARGV[6])
          local bucket = '+Inf'
          for _, le in ipairs({\(RunMetrics.durationBuckets.map { "'\($0)'" }.joined(separator: ", "))}) do
            if ms <= tonumber(le) * 1000 then
              bucket = le
              break
            end
          end
          redis.call('HINCRBY', metrics_key, 'run_seconds_bucket:' .. bucket, 1)
          redis.call('HINCRBY', metrics_key, 'run_seconds_sum_ms', ms)
          redis.call('HINCRBY', metrics_key, 'run_seconds_count', 1)
        end
        return {out, pending_events(alerts)}
        """)

    /// ARGV: prefix, now. Returns per known queue `{queue, ready, delayed, leased, dead, due delayed, expired leases,
    /// oldest ready enqueued_at (ms, or false when nothing is ready), {handler, ready count, ...}, paused (1 or 0), cancelled}`.
    ///
    /// A ready job's score is `(100 - priority) * 1e13 + enqueued_at`, so the oldest ready job is the head of
    /// one of the priority bands of one handler's set: the script visits the head of each non-empty band (one
    /// `ZRANGEBYSCORE ... LIMIT 0 1` per band and handler) and keeps the earliest enqueue time.
    public static let stats = script(
        """
        local now = tonumber(ARGV[2])
        local out = {}
        local queues = redis.call('SMEMBERS', queues_key)
        table.sort(queues)
        local paused = {}
        for _, name in ipairs(redis.call('SMEMBERS', paused_key)) do paused[name] = true end
        for _, q in ipairs(queues) do
          local oldest, ready, byHandler = false, 0, {}
          local handlers = redis.call('SMEMBERS', handlers_key(q))
          table.sort(handlers)
          for _, h in ipairs(handlers) do
            local n = redis.call('ZCARD', ready_key(q, h)) + (tonumber(redis.call('HGET', keyed_key(q), h)) or 0)
            if n > 0 then
              ready = ready + n
              byHandler[#byHandler + 1] = h
              byHandler[#byHandler + 1] = n
              for _, set in ipairs({ready_key(q, h), keys_key(q, h)}) do
                local from = '-inf'
                while true do
                  local head = redis.call('ZRANGEBYSCORE', set, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
                  if #head == 0 then break end
                  local score = tonumber(head[2])
                  local band = math.floor(score / 1e13)
                  local at = score - band * 1e13
                  if not oldest or at < oldest then oldest = at end
                  from = string.format('%.0f', (band + 1) * 1e13)
                end
              end
            end
          end
          out[#out + 1] = {q, ready, redis.call('ZCARD', delayed_key(q)),
            redis.call('ZCARD', leased_key(q)), redis.call('ZCARD', dead_key(q)),
            redis.call('ZCOUNT', delayed_key(q), '-inf', now), redis.call('ZCOUNT', leased_key(q), '-inf', now), oldest, byHandler,
            (paused[q] or paused['*']) and 1 or 0, redis.call('ZCARD', cancelled_key(q))}
        end
        return out
        """)
}
