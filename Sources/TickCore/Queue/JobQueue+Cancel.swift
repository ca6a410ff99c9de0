/// Cancelling jobs: a ready or delayed job leaves its set at once; a running one is marked, and its run stops
/// starting its items once it learns of it (the next checkpoint commit); its lease then ends cancelled whatever
/// the run reports, and a claim that takes back its expired lease cancels it too. Nothing cancelled runs again.
extension JobQueue {
    /// What one cancel did to one id.
    public enum CancelResult: Sendable, Equatable {
        /// Was ready or delayed: now cancelled; no run will start it.
        case cancelled(CancelledJob)
        /// Is running: marked; its run stops at the next item boundary it learns of, and nothing retries it.
        case requested(CancelledJob)
        /// Had finished before (done, dead or already cancelled): nothing changed.
        case finished(id: String, state: Recorded<JobState>)
        /// No job has this id (never enqueued, or its record expired).
        case unknown(id: String)

        /// The job id.
        public var id: String {
            switch self {
            case .cancelled(let job), .requested(let job): job.id
            case .finished(let id, _), .unknown(let id): id
            }
        }
    }

    /// A job a cancel reached, as its PostgreSQL checkpoint records it.
    public struct CancelledJob: Sendable, Hashable {
        public var id: String
        public var queue: String
        public var handler: String
        /// The lease's fencing token when cancelled (0: never claimed).
        public var fence: Int64
    }

    /// Cancels `ids`, in one request (see ``CancelResult``). With a cancel-requested field set, a later repeat
    /// answers `requested` again.
    public func cancel(_ ids: [String], nowMilliseconds: Int64) async throws(UpstashError) -> [CancelResult] {
        guard !ids.isEmpty else { return [] }
        let reply = try await client.eval(
            Self.cancelScript, arguments: [RedisArgument(prefix), RedisArgument(String(nowMilliseconds))] + ids.map { RedisArgument($0) },
            idempotent: true)
        return (reply.array ?? []).compactMap { row -> CancelResult? in
            guard let f = row.array, let id = f.first?.string, f.count >= 2, let what = f[1].string else { return nil }
            let job = f.count >= 5 ? CancelledJob(id: id, queue: f[2].string ?? "", handler: f[3].string ?? "", fence: Int64(f[4].string ?? "") ?? 0) : nil
            switch (what, job) {
            case ("cancelled", let job?): return .cancelled(job)
            case ("requested", let job?): return .requested(job)
            case ("unknown", _): return .unknown(id: id)
            default: return .finished(id: id, state: Recorded(what))
            }
        }
    }

    /// ARGV: prefix, now, id... Returns per id `{id, 'cancelled' | 'requested', queue, handler, fence}`,
    /// `{id, state}` for a finished job, or `{id, 'unknown'}`.
    static let cancelScript = QueueScripts.script(
        """
        local bad = layout_error()
        if bad then return bad end
        local now = ARGV[2]
        local out = {}
        for i = 3, #ARGV do
          local id = ARGV[i]
          local jk = job_key(id)
          local st = redis.call('HGET', jk, 'state')
          if not st then
            out[#out + 1] = {id, 'unknown'}
          else
            local q = redis.call('HGET', jk, 'queue') or 'default'
            local h = handler_of(jk)
            local fence = redis.call('HGET', jk, 'fence') or '0'
            if st == ST.ready or st == ST.delayed then
              unready(q, jk, id)
              redis.call('ZREM', legacy_ready_key(q), id)
              local u = redis.call('HGET', jk, 'ukey')
              if u and redis.call('HGET', uniques_key(q), u) == id then redis.call('HDEL', uniques_key(q), u) end
              redis.call('ZREM', delayed_key(q), id)
              redis.call('HSET', jk, 'state', ST.cancelled, 'cancel', now, 'updated_at', now)
              redis.call('ZADD', cancelled_key(q), now, id)
              out[#out + 1] = {id, 'cancelled', q, h, fence}
            elseif st == ST.leased then
              if redis.call('HEXISTS', jk, 'cancel') == 0 then redis.call('HSET', jk, 'cancel', now) end
              out[#out + 1] = {id, 'requested', q, h, fence}
            else
              out[#out + 1] = {id, st}
            end
          end
        end
        return out
        """)
}
