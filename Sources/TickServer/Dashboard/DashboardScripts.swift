import TickCore

/// The dashboard's read scripts, one request each, over the key layout of ``TickCore/QueueScripts``
/// (docs/data-model.md). Each returns a bounded reply whatever the size of the queue.
enum DashboardScripts {
    /// ARGV: prefix, job id, most spec bytes. Returns `{spec bytes in all, spec (truncated), field, value, ...}`
    /// of the job's hash without its spec, or `{-1}` for an unknown job.
    static let job = QueueScripts.script(
        """
        local jk = job_key(ARGV[2])
        local limit = tonumber(ARGV[3])
        local flat = redis.call('HGETALL', jk)
        if #flat == 0 then return {-1} end
        local out = {0, ''}
        for i = 1, #flat, 2 do
          if flat[i] == 'spec' then
            out[1] = string.len(flat[i + 1])
            out[2] = string.sub(flat[i + 1], 1, limit)
          else
            out[#out + 1] = flat[i]
            out[#out + 1] = flat[i + 1]
          end
        end
        return out
        """)

    /// ARGV: prefix, queue ('' = the first queue with dead jobs), offset, limit, needle (lower case, '' = no
    /// filter), most entries a filter scans.
    ///
    /// Without a needle: a page of the dead set, newest first (ZREVRANGE with offset and limit). With one: the
    /// newest entries are scanned (at most the scan limit) for ids or reasons containing it, and the page is
    /// taken from the matches. Returns `{queue, {name, dead count, ...}, total, matches, scanned,
    /// {id, dead_at_ms, error, attempt, max_attempts, ...}}`.
    static let deadPage = QueueScripts.script(
        """
        local q, offset, limit, needle, cap = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
        local names = redis.call('SMEMBERS', queues_key)
        table.sort(names)
        local queues = {}
        local first, firstDead = nil, nil
        for _, name in ipairs(names) do
          local n = redis.call('ZCARD', dead_key(name))
          queues[#queues + 1] = name
          queues[#queues + 1] = n
          if not first then first = name end
          if n > 0 and not firstDead then firstDead = name end
        end
        if q == '' then q = firstDead or first or 'default' end
        local dk = dead_key(q)
        local total = redis.call('ZCARD', dk)
        local rows = {}
        local function row(id, score)
          local f = redis.call('HMGET', job_key(id), 'error', 'attempt', 'max_attempts')
          return {id, score, f[1] or '', f[2] or '0', f[3] or '0'}
        end
        if needle == '' then
          local ids = redis.call('ZREVRANGE', dk, offset, offset + limit - 1, 'WITHSCORES')
          for i = 1, #ids, 2 do rows[#rows + 1] = row(ids[i], ids[i + 1]) end
          return {q, queues, total, total, 0, rows}
        end
        local matches, scanned = 0, 0
        while scanned < cap do
          local ids = redis.call('ZREVRANGE', dk, scanned, math.min(scanned + 200, cap) - 1, 'WITHSCORES')
          if #ids == 0 then break end
          for i = 1, #ids, 2 do
            local r = row(ids[i], ids[i + 1])
            if string.find(string.lower(r[1]), needle, 1, true) or string.find(string.lower(r[3]), needle, 1, true) then
              if matches >= offset and #rows < limit then rows[#rows + 1] = r end
              matches = matches + 1
            end
          end
          scanned = scanned + #ids / 2
        end
        return {q, queues, total, matches, scanned, rows}
        """)
}
