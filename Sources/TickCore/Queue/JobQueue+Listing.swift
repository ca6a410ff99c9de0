/// Listing a queue's jobs in one state, a page per request, soonest first, with a keyset cursor: a job claimed
/// or moved between two pages is neither repeated nor skipped among those that stay.
extension JobQueue {
    /// The states a listing can show.
    public enum ListedState: String, Sendable, CaseIterable {
        case ready, delayed, leased, dead, cancelled
    }

    /// One listed job.
    public struct ListedJob: Sendable, Hashable {
        public var id: String
        public var handler: String
        public var attempt: Int
        public var maxAttempts: Int
        /// When it runs next (ready: its enqueue time; delayed: its run-at; leased: its lease's end; dead: when it died), Unix ms.
        public var at: Int64
        /// The last error, for delayed (a retry) and dead jobs.
        public var error: String?
    }

    /// A page of jobs and the cursor of the next page (`nil` at the end).
    public struct JobPage: Sendable, Hashable {
        public var jobs: [ListedJob]
        public var next: String?
    }

    /// Jobs of `queue` in `state` (of `handler` only, if given), `limit` at most, after `cursor`; one request.
    /// Ready jobs come by priority then enqueue time, delayed by run-at, leased by lease end, dead and cancelled newest first;
    /// ties (a batch enqueued or acknowledged in one call) by id, in the same direction.
    public func jobs(queue: String, state: ListedState, handler: String?, limit: Int, after cursor: String?) async throws(UpstashError) -> JobPage {
        let arguments = [
            RedisArgument(prefix), RedisArgument(queue), RedisArgument(state.rawValue), RedisArgument(handler ?? ""), RedisArgument(max(1, limit)),
            RedisArgument(cursor ?? ""),
        ]
        let reply = try await client.eval(Self.listScript, arguments: arguments, idempotent: true)
        guard let parts = reply.array, parts.count == 2, let rows = parts[0].array else {
            throw .protocolError(host: client.configuration.host, detail: "the listing script returned an unexpected shape", status: 200)
        }
        let jobs = rows.compactMap { row -> ListedJob? in
            guard let f = row.array, f.count == 7, let id = f[0].string else { return nil }
            let at = Int64(f[4].string.flatMap { Double($0) } ?? 0)
            return ListedJob(
                id: id, handler: f[1].string ?? "", attempt: f[2].int ?? Int(f[2].string ?? "") ?? 0,
                maxAttempts: f[3].int ?? Int(f[3].string ?? "") ?? 0, at: state == .ready ? Int64(f[6].string ?? "") ?? at : at,
                error: f[5].string.flatMap { $0.isEmpty ? nil : $0 })
        }
        return JobPage(jobs: jobs, next: parts[1].string.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// ARGV: prefix, queue, state, handler (`` for all), limit, cursor (`score|id` of the last job shown, or ``).
    /// Returns `{ {id, handler, attempt, max_attempts, score, error, enqueued_at}..., next cursor or '' }`.
    static let listScript = QueueScripts.script(
        """
        local q, state, only, limit, cursor = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
        local sets = {}
        if state == 'ready' then
          local handlers = {only}
          if only == '' then handlers = redis.call('SMEMBERS', handlers_key(q)) end
          for _, h in ipairs(handlers) do
            sets[#sets + 1] = ready_key(q, h)
            for _, set in ipairs({keys_key(q, h), parked_key(q, h)}) do
              for _, k in ipairs(redis.call('ZRANGE', set, 0, -1)) do sets[#sets + 1] = kready_key(q, h, k) end
            end
          end
        elseif state == 'delayed' then sets = {delayed_key(q)}
        elseif state == 'leased' then sets = {leased_key(q)}
        elseif state == 'cancelled' then sets = {cancelled_key(q)}
        else sets = {dead_key(q)} end
        local reverse = state == 'dead' or state == 'cancelled'
        local cs, cid = nil, ''
        if cursor ~= '' then
          local bar = string.find(cursor, '|', 1, true)
          cs, cid = tonumber(string.sub(cursor, 1, bar - 1)), string.sub(cursor, bar + 1)
        end
        local rows = {}
        local function take(found, keep)
          for r = 1, #found, 2 do
            local sc, id = tonumber(found[r + 1]), found[r]
            if keep(sc, id) then rows[#rows + 1] = {sc, id} end
          end
        end
        for _, key in ipairs(sets) do
          if cs == nil then
            if reverse then
              take(redis.call('ZREVRANGEBYSCORE', key, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1), function() return true end)
            else
              take(redis.call('ZRANGEBYSCORE', key, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1), function() return true end)
            end
          else
            local at = string.format('%.0f', cs)
            -- The cursor's own score: every job with it (a batch enqueued in one call shares it), then those past it.
            take(redis.call('ZRANGEBYSCORE', key, at, at, 'WITHSCORES'), function(sc, id) if reverse then return id < cid end return id > cid end)
            if reverse then
              take(redis.call('ZREVRANGEBYSCORE', key, '(' .. at, '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1), function() return true end)
            else
              take(redis.call('ZRANGEBYSCORE', key, '(' .. at, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1), function() return true end)
            end
          end
        end
        table.sort(rows, function(a, b)
          if a[1] ~= b[1] then
            if reverse then return a[1] > b[1] end
            return a[1] < b[1]
          end
          if reverse then return a[2] > b[2] end
          return a[2] < b[2]
        end)
        local out, next = {}, ''
        for k = 1, math.min(#rows, limit) do
          local s, id = rows[k][1], rows[k][2]
          local f = redis.call('HMGET', job_key(id), 'handler', 'attempt', 'max_attempts', 'error', 'enqueued_at')
          local h = f[1] or handler_of(job_key(id))
          if only == '' or h == only then
            out[#out + 1] = {id, h, f[2] or '0', f[3] or '0', string.format('%.0f', s), f[4] or '', f[5] or ''}
          end
          if k == limit and #rows > limit then next = string.format('%.0f', s) .. '|' .. id end
        end
        return {out, next}
        """)
}
