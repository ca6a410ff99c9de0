/// The dead-letter set of a queue: list, retry, purge. Each is one request.
extension JobQueue {
    /// One dead-lettered job.
    public struct DeadLetter: Sendable, Hashable {
        public var id: String
        /// When it was dead-lettered (Unix ms).
        public var deadAtUnixMilliseconds: Int64
        /// Why.
        public var reason: String
        public var attempt: Int
        public var maxAttempts: Int
    }

    /// A page of a queue's dead-letter set, newest first, with the set's size.
    public func deadLetters(queue: String, offset: Int = 0, limit: Int = 20) async throws(UpstashError) -> (total: Int, letters: [DeadLetter]) {
        let reply = try await client.eval(
            QueueScripts.deadList, arguments: [RedisArgument(prefix), RedisArgument(queue), RedisArgument(offset), RedisArgument(max(1, limit))], idempotent: true)
        guard let parts = reply.array, parts.count == 2, let total = parts[0].int, let rows = parts[1].array else {
            throw .protocolError(host: client.configuration.host, detail: "the dead-list script returned an unexpected shape", status: 200)
        }
        let letters = rows.compactMap { row -> DeadLetter? in
            guard let f = row.array, f.count == 5, let id = f[0].string else { return nil }
            return DeadLetter(id: id, deadAtUnixMilliseconds: Int64(f[1].string.flatMap { Double($0) } ?? 0), reason: f[2].string ?? "", attempt: f[3].int ?? 0, maxAttempts: f[4].int ?? 0)
        }
        return (total, letters)
    }

    /// Puts dead jobs back to ready with their attempts reset (all of the queue's when `ids` is empty).
    /// Items already recorded done stay done; failed items run again. Returns how many moved.
    public func retryDead(queue: String, ids: [String]) async throws(UpstashError) -> Int {
        try await deadAct("retry", queue: queue, ids: ids)
    }

    /// Deletes dead jobs from Redis (all of the queue's when `ids` is empty). Their PostgreSQL records stay.
    public func purgeDead(queue: String, ids: [String]) async throws(UpstashError) -> Int {
        try await deadAct("purge", queue: queue, ids: ids)
    }

    private func deadAct(_ op: String, queue: String, ids: [String]) async throws(UpstashError) -> Int {
        let reply = try await client.eval(
            QueueScripts.deadAct, arguments: [RedisArgument(prefix), RedisArgument(queue), RedisArgument(op)] + ids.map { RedisArgument($0) },
            idempotent: true)
        return reply.int ?? 0
    }
}
