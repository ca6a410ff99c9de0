import TickCore

/// The dashboard's PostgreSQL reads (`tick_runs`, `tick_jobs`, `tick_items`): every query is bounded by a
/// `LIMIT` or a 24-hour / 7-day window on an indexed column, never a whole table.
struct DashboardStore: Sendable {
    /// Opens (and keeps, between pages) one connection.
    let connections: PostgresConnectionCache

    /// Runs `body` on a connection, then keeps it for the next page. Connecting and the queries run on a thread of
    /// their own (``IOThread``), never on one of the server's cooperative threads.
    func with<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> T) async throws(DashboardError) -> T {
        let connections = self.connections
        return try await IOThread.detached { () throws(DashboardError) -> T in try Self.run(body, connections) }
    }

    private static func run<T>(_ body: (PostgresConnection) throws(PostgresError) -> T, _ connections: PostgresConnectionCache) throws(DashboardError) -> T {
        do throws(PostgresError) {
            let connection = try connections.connect(timeout: .seconds(5))
            let result: T
            do throws(PostgresError) { result = try body(connection) } catch {
                connection.close()
                throw error
            }
            connections.release(connection)
            return result
        } catch {
            throw .postgres(error)
        }
    }

    /// Runs, items done and failed per minute of the last 24 hours (by start), oldest first; at most 1,440 rows.
    struct Minute: Sendable, Equatable {
        /// Unix seconds of the minute's start.
        var minute: Int64
        var runs: Int
        var itemsDone: Int
        var itemsFailed: Int
    }

    static func activity(_ connection: PostgresConnection) throws(PostgresError) -> [Minute] {
        try connection.query(
            """
            SELECT extract(epoch FROM date_trunc('minute', started_at))::bigint AS minute, count(*) AS runs,
              coalesce(sum(items_done), 0) AS done, coalesce(sum(items_failed), 0) AS failed
            FROM tick_runs WHERE started_at > now() - interval '24 hours'
            GROUP BY 1 ORDER BY 1
            """
        ).map { row throws(PostgresError) in
            Minute(
                minute: Int64(try row.int("minute") ?? 0), runs: try row.int("runs") ?? 0, itemsDone: try row.int("done") ?? 0,
                itemsFailed: try row.int("failed") ?? 0)
        }
    }

    /// One row of `tick_runs`.
    struct Run: Sendable {
        var id: Int
        var trigger: String
        var schedule: String?
        var startedAtMilliseconds: Int64
        var durationMilliseconds: Int?
        var budgetMilliseconds: Int
        var claimed: Int
        var itemsDone: Int
        var itemsFailed: Int
        var jobsCompleted: Int
        var jobsRetried: Int
        var jobsDead: Int
        var jobsReleased: Int
        var redisRequests: Int
        var redisCommands: Int
        var exitReason: String?
        var exitCode: Int?
    }

    /// The newest `limit` runs with an id below `before` (all when `nil`): keyset pagination on the primary key.
    static func runs(_ connection: PostgresConnection, before: Int?, limit: Int) throws(PostgresError) -> [Run] {
        try connection.query(
            """
            SELECT run_id, trigger, schedule, (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,
              (extract(epoch FROM finished_at - started_at) * 1000)::bigint AS duration_ms, budget_ms, claimed, items_done,
              items_failed, jobs_completed, jobs_retried, jobs_dead, jobs_released, redis_requests, redis_commands, exit_reason, exit_code
            FROM tick_runs WHERE ($1::bigint IS NULL OR run_id < $1) ORDER BY run_id DESC LIMIT $2
            """, [.int(before), .int(limit)]
        ).map { row throws(PostgresError) in
            Run(
                id: try row.int("run_id") ?? 0, trigger: try row.string("trigger") ?? "", schedule: try row.string("schedule"),
                startedAtMilliseconds: Int64(try row.int("started_ms") ?? 0), durationMilliseconds: try row.int("duration_ms"),
                budgetMilliseconds: try row.int("budget_ms") ?? 0, claimed: try row.int("claimed") ?? 0, itemsDone: try row.int("items_done") ?? 0,
                itemsFailed: try row.int("items_failed") ?? 0, jobsCompleted: try row.int("jobs_completed") ?? 0,
                jobsRetried: try row.int("jobs_retried") ?? 0, jobsDead: try row.int("jobs_dead") ?? 0,
                jobsReleased: try row.int("jobs_released") ?? 0, redisRequests: try row.int("redis_requests") ?? 0,
                redisCommands: try row.int("redis_commands") ?? 0, exitReason: try row.string("exit_reason"), exitCode: try row.int("exit_code"))
        }
    }

    /// One recorded item of a job.
    struct Item: Sendable {
        var index: Int
        var state: String
        var error: String?
        /// The result's JSON, cut to 300 characters.
        var result: String?
        var attempt: Int
        var runID: Int?
        var finishedAtMilliseconds: Int64
    }

    /// Recorded items of `jobID` with index in `range` (a page of the item list), by index.
    static func items(_ connection: PostgresConnection, jobID: String, range: Range<Int>) throws(PostgresError) -> [Item] {
        try itemRows(
            connection,
            """
            WHERE job_id = $1 AND item_index >= $2 AND item_index < $3 ORDER BY item_index
            """, [.text(jobID), .int(range.lowerBound), .int(range.upperBound)])
    }

    /// Up to `limit` failed items of `jobID` after index `after`, by index (keyset pagination).
    static func failedItems(_ connection: PostgresConnection, jobID: String, after: Int, limit: Int) throws(PostgresError) -> [Item] {
        try itemRows(
            connection,
            """
            WHERE job_id = $1 AND state = 'failed' AND item_index > $2 ORDER BY item_index LIMIT $3
            """, [.text(jobID), .int(after), .int(limit)])
    }

    private static func itemRows(_ connection: PostgresConnection, _ condition: String, _ parameters: [PostgresParameter]) throws(PostgresError) -> [Item] {
        try connection.query(
            """
            SELECT item_index, state, left(error, 500) AS error, left(result::text, 300) AS result, attempt, run_id,
              (extract(epoch FROM finished_at) * 1000)::bigint AS finished_ms
            FROM tick_items
            """ + " " + condition, parameters
        ).map { row throws(PostgresError) in
            Item(
                index: try row.int("item_index") ?? 0, state: try row.string("state") ?? "", error: try row.string("error"),
                result: try row.string("result"), attempt: try row.int("attempt") ?? 0, runID: try row.int("run_id"),
                finishedAtMilliseconds: Int64(try row.int("finished_ms") ?? 0))
        }
    }
}
