/// Retention in Redis: dead letters past their age leave the dead-letter set, with their job hash.
extension JobQueue {
    /// Removes up to `limit` dead letters (across every queue) that died before `cutoffMilliseconds`, in one
    /// request; with `dryRun`, counts them all and removes nothing.
    /// - Returns: how many were (or would be) removed, and the ids removed (empty for a dry run).
    public func expireDeadLetters(before cutoffMilliseconds: Int64, limit: Int, dryRun: Bool) async throws(UpstashError) -> (count: Int, ids: [String]) {
        let reply = try await client.eval(
            Self.expireScript,
            arguments: [RedisArgument(prefix), RedisArgument(String(cutoffMilliseconds)), RedisArgument(max(1, limit)), RedisArgument(dryRun ? 1 : 0)],
            idempotent: true)
        guard let parts = reply.array, parts.count == 2, let count = parts[0].int else {
            throw .protocolError(host: client.configuration.host, detail: "the dead-letter retention script returned an unexpected shape", status: 200)
        }
        return (count, (parts[1].array ?? []).compactMap(\.string))
    }

    /// ARGV: prefix, cutoff (Unix ms), limit, dry run (1 or 0). Returns `{count, {id, ...}}`.
    static let expireScript = QueueScripts.script(
        """
        local cutoff, limit, dry = ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
        if not dry then
          local bad = layout_error()
          if bad then return bad end
        end
        local count, ids = 0, {}
        for _, q in ipairs(redis.call('SMEMBERS', queues_key)) do
          if dry then
            count = count + redis.call('ZCOUNT', dead_key(q), '-inf', '(' .. cutoff)
          elseif count < limit then
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', dead_key(q), '-inf', '(' .. cutoff, 'LIMIT', 0, limit - count)) do
              redis.call('ZREM', dead_key(q), id)
              redis.call('DEL', job_key(id))
              ids[#ids + 1] = id
              count = count + 1
            end
          end
        end
        return {count, ids}
        """)
}
