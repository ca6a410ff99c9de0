/// Retention in Redis: dead letters and cancelled jobs past their age leave their set, with their job hash.
/// Every claim does a little of it (``QueueScripts/claim``); `tick prune` does the rest by hand.
extension JobQueue {
    /// What one expiry request removed (or, for a dry run, would remove).
    public struct Expired: Sendable, Equatable {
        /// Dead letters.
        public var dead: Int
        /// The ids of the dead letters removed (empty for a dry run): their checkpoints go next.
        public var deadIDs: [String]
        /// Cancelled jobs.
        public var cancelled: Int
    }

    /// Removes up to `limit` dead letters that died before `cutoffMilliseconds` and up to `limit` cancelled jobs
    /// cancelled before `cancelledCutoffMilliseconds` (across every queue), in one request; with `dryRun`, counts
    /// them all and removes nothing.
    public func expire(deadBefore cutoffMilliseconds: Int64, cancelledBefore cancelledCutoffMilliseconds: Int64, limit: Int, dryRun: Bool) async throws(UpstashError)
        -> Expired
    {
        let reply = try await client.eval(
            Self.expireScript,
            arguments: [
                RedisArgument(prefix), RedisArgument(String(cutoffMilliseconds)), RedisArgument(max(1, limit)), RedisArgument(dryRun ? 1 : 0),
                RedisArgument(String(cancelledCutoffMilliseconds)),
            ],
            idempotent: true)
        guard let parts = reply.array, parts.count == 3, let count = parts[0].int, let cancelled = parts[2].int else {
            throw .protocolError(host: client.configuration.host, detail: "the retention script returned an unexpected shape", status: 200)
        }
        return Expired(dead: count, deadIDs: (parts[1].array ?? []).compactMap(\.string), cancelled: cancelled)
    }

    /// Of `ids`, those whose job hash Redis no longer has, in one request (a script: one billable command).
    public func missing(_ ids: [String]) async throws(UpstashError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let reply = try await client.eval(Self.missingScript, arguments: [RedisArgument(prefix)] + ids.map { RedisArgument($0) }, idempotent: true)
        return Set((reply.array ?? []).compactMap(\.string))
    }

    /// ARGV: prefix, id... Returns the ids without a job hash.
    static let missingScript = QueueScripts.script(
        """
        local out = {}
        for i = 2, #ARGV do
          if redis.call('EXISTS', job_key(ARGV[i])) == 0 then out[#out + 1] = ARGV[i] end
        end
        return out
        """)

    /// ARGV: prefix, dead cutoff (Unix ms), limit, dry run (1 or 0), cancelled cutoff. Returns
    /// `{dead count, {dead id, ...}, cancelled count}`.
    static let expireScript = QueueScripts.script(
        """
        local cutoff, limit, dry, cancelledCutoff = ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1', ARGV[5]
        if not dry then
          local bad = layout_error()
          if bad then return bad end
        end
        local function expire(key, before, count, ids)
          if dry then return count + redis.call('ZCOUNT', key, '-inf', '(' .. before) end
          if count >= limit then return count end
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. before, 'LIMIT', 0, limit - count)) do
            redis.call('ZREM', key, id)
            redis.call('DEL', job_key(id))
            if ids then ids[#ids + 1] = id end
            count = count + 1
          end
          return count
        end
        local count, ids, cancelled = 0, {}, 0
        for _, q in ipairs(redis.call('SMEMBERS', queues_key)) do
          count = expire(dead_key(q), cutoff, count, ids)
          cancelled = expire(cancelled_key(q), cancelledCutoff, cancelled, nil)
        end
        return {count, ids, cancelled}
        """)
}
