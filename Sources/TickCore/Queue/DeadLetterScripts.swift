/// Lua scripts for the dead-letter set, one request each (same key layout as ``QueueScripts``).
extension QueueScripts {
    /// `take_dead(op, q, id)`: takes a job out of its queue's dead set and purges it (`purge`) or puts it back
    /// in its handler's ready set with its attempts reset (`retry`); `false` when it was not dead.
    static let deadActions = """
        local function take_dead(op, q, id)
          if redis.call('ZREM', dead_key(q), id) == 0 then return false end
          local jk = job_key(id)
          if op == 'purge' then
            redis.call('DEL', jk)
          else
            local score = redis.call('HGET', jk, 'score')
            if score then
              redis.call('HSET', jk, 'attempt', 0)
              redis.call('HDEL', jk, 'error')
              make_ready(q, jk, id, score)
            end
          end
          return true
        end

        """

    /// ARGV: prefix, queue, offset, limit. Returns `{total, {id, dead_at_ms, error, attempt, max_attempts}...}`, newest first.
    public static let deadList = script(
        """
        local q, offset, limit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        local dk = dead_key(q)
        local rows = {}
        local ids = redis.call('ZREVRANGE', dk, offset, offset + limit - 1, 'WITHSCORES')
        for i = 1, #ids, 2 do
          local f = redis.call('HMGET', job_key(ids[i]), 'error', 'attempt', 'max_attempts')
          rows[#rows + 1] = {ids[i], ids[i + 1], f[1] or '', f[2] or '0', f[3] or '0'}
        end
        return {redis.call('ZCARD', dk), rows}
        """)

    /// ARGV: prefix, queue, op (`retry` or `purge`), then ids; no ids means every dead job of the queue
    /// (up to 10,000 per call). `retry` puts a job back to ready with its attempts reset (its recorded items
    /// stay done; failed items run again); `purge` deletes it. Returns the number of jobs changed.
    public static let deadAct = script(
        deadActions + """
        local bad = layout_error()
        if bad then return bad end
        local q, op = ARGV[2], ARGV[3]
        local dead = dead_key(q)
        local ids = {}
        if #ARGV > 3 then
          for i = 4, #ARGV do ids[#ids + 1] = ARGV[i] end
        else
          ids = redis.call('ZRANGE', dead, 0, 9999)
        end
        local changed = 0
        for _, id in ipairs(ids) do
          if take_dead(op, q, id) then changed = changed + 1 end
        end
        return changed
        """)
}

extension QueueScripts {
    /// ARGV: prefix, op (`count`, `retry` or `purge`), queue (`` for every queue), needle (lower case, `` for
    /// any reason), cutoff (Unix ms: only jobs that died before it; `` for any age), scan cap. Visits the newest
    /// dead jobs of each queue up to the cap and acts on those whose reason contains the needle and that died
    /// before the cutoff. Returns `{matched, acted, scanned, total dead in the queues visited}`.
    public static let deadFilter = script(
        deadActions + """
        local op, only, needle, cutoff, cap = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
        if op ~= 'count' then
          local bad = layout_error()
          if bad then return bad end
        end
        local queues = {only}
        if only == '' then queues = redis.call('SMEMBERS', queues_key) end
        local matched, acted, scanned, total = 0, 0, 0, 0
        for _, q in ipairs(queues) do
          local dead = dead_key(q)
          total = total + redis.call('ZCARD', dead)
          local upper = '+inf'
          if cutoff ~= '' then upper = '(' .. cutoff end
          local ids = redis.call('ZREVRANGEBYSCORE', dead, upper, '-inf', 'LIMIT', 0, cap)
          for _, id in ipairs(ids) do
            scanned = scanned + 1
            local jk = job_key(id)
            local reason = string.lower(redis.call('HGET', jk, 'error') or '')
            if needle == '' or string.find(reason, needle, 1, true) then
              matched = matched + 1
              if op ~= 'count' and take_dead(op, q, id) then acted = acted + 1 end
            end
          end
        end
        return {matched, acted, scanned, total}
        """)
}
