/// Pausing queues: a paused queue is skipped by every claim (read inside the claim, at no extra request);
/// jobs can still be enqueued into it, and jobs already running finish.
extension JobQueue {
    /// Pauses `queues` (or every queue, present and future, with ``QueueKeys/allQueues``), in one request.
    /// - Returns: how many were not paused before.
    @discardableResult
    public func pause(_ queues: [String]) async throws(UpstashError) -> Int {
        guard !queues.isEmpty else { return 0 }
        let reply = try await client.send(RedisCommand("SADD", arguments: [RedisArgument(keys.paused)] + queues.map { RedisArgument($0) }))
        return reply.int ?? 0
    }

    /// What a resume did.
    public struct Resumed: Sendable, Equatable {
        /// Pauses lifted.
        public var count: Int
        /// Whether every queue is still paused by ``QueueKeys/allQueues`` (a resume of named queues leaves it).
        public var allStillPaused: Bool
    }

    /// Resumes `queues`; `nil` resumes everything (`tick resume --all`). One request (a pipeline).
    @discardableResult
    public func resume(_ queues: [String]?) async throws(UpstashError) -> Resumed {
        let paused = RedisArgument(keys.paused)
        guard let queues else {
            let replies = try await client.pipeline([RedisCommand("SCARD", paused), RedisCommand("DEL", paused)])
            return Resumed(count: replies.first?.int ?? 0, allStillPaused: false)
        }
        guard !queues.isEmpty else { return Resumed(count: 0, allStillPaused: false) }
        let replies = try await client.pipeline([
            RedisCommand("SREM", arguments: [paused] + queues.map { RedisArgument($0) }),
            RedisCommand("SISMEMBER", paused, RedisArgument(QueueKeys.allQueues)),
        ])
        return Resumed(count: replies.first?.int ?? 0, allStillPaused: replies.last?.int == 1)
    }
}
