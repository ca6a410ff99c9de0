import TickCore

/// The dashboard's Redis reads and actions over one ``TickCore/JobQueue``: each call is one request.
extension JobQueue {
    /// A job's hash as the job page shows it: the fields, and the spec cut to a bounded size.
    struct DashboardJob: Sendable {
        /// Every field but `spec`.
        var fields: [String: String]
        /// The first bytes of the spec (the job's JSON).
        var spec: String
        /// The spec's whole size in bytes.
        var specBytes: Int
        /// Whether ``spec`` is all of it.
        var specComplete: Bool { spec.utf8.count >= specBytes }
    }

    /// The job's record with its spec cut to `maximumSpecBytes`, or `nil` when Redis has no such job. One request.
    func dashboardJob(_ id: String, maximumSpecBytes: Int) async throws(UpstashError) -> DashboardJob? {
        let reply = try await client.eval(
            DashboardScripts.job, arguments: [RedisArgument(prefix), RedisArgument(id), RedisArgument(maximumSpecBytes)], idempotent: true)
        guard let parts = reply.array, let size = parts.first?.int, size >= 0, parts.count >= 2 else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 2, to: parts.count - 1, by: 2) {
            if let name = parts[index].string { fields[name] = parts[index + 1].string ?? "" }
        }
        return DashboardJob(fields: fields, spec: parts[1].string ?? "", specBytes: size)
    }

    /// One dead-lettered job as the dead-letter page lists it.
    struct DeadEntry: Sendable {
        var id: String
        /// When it was dead-lettered (Unix ms).
        var deadAtUnixMilliseconds: Int64
        var reason: String
        var attempt: Int
        var maxAttempts: Int
    }

    /// One page of the dead-letter view.
    struct DeadPage: Sendable {
        /// The queue shown (the first with dead jobs when none was asked for).
        var queue: String
        /// Every queue with its number of dead jobs.
        var queues: [(name: String, dead: Int)]
        /// Dead jobs of ``queue``.
        var total: Int
        /// Dead jobs matching the filter (= ``total`` without one), among ``scanned``.
        var matches: Int
        /// Entries the filter looked at (0 without a filter).
        var scanned: Int
        var letters: [DeadEntry]
    }

    /// A page of `queue`'s dead set, newest first, optionally only entries whose id or reason contains
    /// `filter` (case-insensitive, among the newest `scanLimit`). One request.
    func deadPage(queue: String?, offset: Int, limit: Int, filter: String, scanLimit: Int) async throws(DashboardError) -> DeadPage {
        let arguments = [
            RedisArgument(prefix), RedisArgument(queue ?? ""), RedisArgument(max(0, offset)), RedisArgument(max(1, limit)),
            RedisArgument(filter.lowercased()), RedisArgument(scanLimit),
        ]
        let reply: RedisValue
        do { reply = try await client.eval(DashboardScripts.deadPage, arguments: arguments, idempotent: true) } catch { throw .redis(error) }
        guard let parts = reply.array, parts.count == 6, let shown = parts[0].string, let flat = parts[1].array, let rows = parts[5].array else {
            throw .unexpectedReply("the dashboard's dead-page script returned an unexpected shape")
        }
        var queues: [(name: String, dead: Int)] = []
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[index].string { queues.append((name, flat[index + 1].int ?? 0)) }
        }
        let letters = rows.compactMap { row -> DeadEntry? in
            guard let f = row.array, f.count == 5, let id = f[0].string else { return nil }
            return DeadEntry(
                id: id, deadAtUnixMilliseconds: Int64(f[1].string.flatMap { Double($0) } ?? 0), reason: f[2].string ?? "",
                attempt: f[3].int ?? 0, maxAttempts: f[4].int ?? 0)
        }
        return DeadPage(
            queue: shown, queues: queues, total: parts[2].int ?? 0, matches: parts[3].int ?? 0, scanned: parts[4].int ?? 0, letters: letters)
    }
}
