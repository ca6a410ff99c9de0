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

extension JobQueue {
    /// Which dead jobs a bulk action selects: reason text, age, queue.
    public struct DeadFilter: Sendable, Hashable {
        /// Only jobs whose reason contains this (case-insensitive); `nil` for any reason.
        public var reasonContains: String?
        /// Only jobs that died before this (Unix ms); `nil` for any age.
        public var diedBefore: Int64?
        /// Only this queue; `nil` for every queue.
        public var queue: String?

        /// A filter; every field optional.
        public init(reasonContains: String? = nil, diedBefore: Int64? = nil, queue: String? = nil) {
            self.reasonContains = reasonContains
            self.diedBefore = diedBefore
            self.queue = queue
        }
    }

    /// What a bulk action found and did.
    public struct DeadFilterResult: Sendable, Hashable {
        public var matched: Int
        public var acted: Int
        /// Dead jobs visited, and dead jobs in the queues visited (more than ``scanCap`` per queue: run again).
        public var scanned: Int
        public var total: Int
    }

    /// Dead jobs visited per queue and request, newest first.
    public static let scanCap = 10_000

    /// The action of a bulk dead-letter request.
    public enum DeadAction: String, Sendable {
        case count, retry, purge
    }

    /// Counts, retries or purges the dead jobs `filter` selects, in one request.
    public func deadLetters(_ action: DeadAction, matching filter: DeadFilter) async throws(UpstashError) -> DeadFilterResult {
        let arguments = [
            RedisArgument(prefix), RedisArgument(action.rawValue), RedisArgument(filter.queue ?? ""),
            RedisArgument((filter.reasonContains ?? "").lowercased()), RedisArgument(filter.diedBefore.map { String($0) } ?? ""),
            RedisArgument(Self.scanCap),
        ]
        let reply = try await client.eval(QueueScripts.deadFilter, arguments: arguments, idempotent: true)
        guard let parts = reply.array, parts.count == 4, let matched = parts[0].int, let acted = parts[1].int, let scanned = parts[2].int,
            let total = parts[3].int
        else {
            throw .protocolError(host: client.configuration.host, detail: "the dead-letter filter script returned an unexpected shape", status: 200)
        }
        return DeadFilterResult(matched: matched, acted: acted, scanned: scanned, total: total)
    }
}
