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

    /// Resumes `queues`, in one request; `nil` resumes everything (`tick resume --all`).
    /// - Returns: how many were paused before.
    @discardableResult
    public func resume(_ queues: [String]?) async throws(UpstashError) -> Int {
        guard let queues else {
            let members = try await pausedQueues()
            _ = try await client.send(RedisCommand("DEL", RedisArgument(keys.paused)))
            return members.count
        }
        guard !queues.isEmpty else { return 0 }
        let reply = try await client.send(RedisCommand("SREM", arguments: [RedisArgument(keys.paused)] + queues.map { RedisArgument($0) }))
        return reply.int ?? 0
    }

    /// The paused queues, sorted (``QueueKeys/allQueues`` when every queue is), in one request.
    public func pausedQueues() async throws(UpstashError) -> [String] {
        let reply = try await client.send(RedisCommand("SMEMBERS", RedisArgument(keys.paused)), idempotent: true)
        return (reply.array ?? []).compactMap(\.string).sorted()
    }
}
