extension RunHistory {
    /// Which runs ``list(on:filter:limit:)`` reads.
    public struct Filter: Sendable, Equatable {
        /// Runs started less than this many seconds ago.
        public var sinceSeconds: Int
        /// Only runs of this trigger; all when `nil`.
        public var trigger: RunTrigger?
        /// Only runs with a non-zero exit code (runs in progress have none and are left out).
        public var failedOnly: Bool

        /// A filter.
        /// - Parameters:
        ///   - sinceSeconds: runs started less than this many seconds ago.
        ///   - trigger: only runs of this trigger; all when `nil`.
        ///   - failedOnly: only runs with a non-zero exit code.
        public init(sinceSeconds: Int, trigger: RunTrigger? = nil, failedOnly: Bool = false) {
            self.sinceSeconds = sinceSeconds
            self.trigger = trigger
            self.failedOnly = failedOnly
        }
    }

    /// Sums over every run a filter matches (not just the listed page).
    public struct Totals: Sendable, Equatable {
        /// Runs matched.
        public var runs: Int
        /// Items recorded done.
        public var itemsDone: Int
        /// Items recorded failed.
        public var itemsFailed: Int
        /// Jobs that reached done.
        public var jobsCompleted: Int
        /// Jobs dead-lettered.
        public var jobsDead: Int
        /// Billable Redis commands.
        public var redisCommands: Int
    }

    /// The newest runs a filter matches, and the totals over all of them.
    public struct Listing: Sendable, Equatable {
        /// The newest runs first (by start, then id), at most the limit asked for.
        public var runs: [RunRecord]
        /// Sums over every matching run.
        public var totals: Totals
    }

    /// The newest `limit` runs matching `filter`, and the totals over every match, in two statements bounded
    /// by `tick_runs_started_at_idx` (`started_at > now() - interval`).
    /// - Parameters:
    ///   - connection: an open connection to a database at the current schema.
    ///   - filter: which runs.
    ///   - limit: runs listed at most.
    /// - Returns: the page and the totals.
    /// - Throws: ``PostgresError``; `schemaTooOld` (exit 80) when `tick_runs` does not exist.
    public static func list(on connection: PostgresConnection, filter: Filter, limit: Int) throws(PostgresError) -> Listing {
        let parameters: [PostgresParameter] = [.int(filter.sinceSeconds), .text(filter.trigger?.rawValue), .bool(filter.failedOnly)]
        let runs = try connection.query(
            """
            SELECT run_id, trigger, schedule,
              to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started_iso,
              (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,
              (extract(epoch FROM finished_at - started_at) * 1000)::bigint AS duration_ms, budget_ms, claimed, items_done,
              items_failed, jobs_completed, jobs_retried, jobs_dead, jobs_released, redis_requests, redis_commands, exit_reason, exit_code
            FROM tick_runs
            """ + " " + matching + " ORDER BY started_at DESC, run_id DESC LIMIT $4",
            parameters + [.int(limit)]
        ).map { row throws(PostgresError) in try RunRecord(row: row) }
        let row = try connection.query(
            """
            SELECT count(*) AS runs, coalesce(sum(items_done), 0) AS items_done, coalesce(sum(items_failed), 0) AS items_failed,
              coalesce(sum(jobs_completed), 0) AS jobs_completed, coalesce(sum(jobs_dead), 0) AS jobs_dead,
              coalesce(sum(redis_commands), 0) AS redis_commands
            FROM tick_runs
            """ + " " + matching, parameters
        ).first
        let totals = Totals(
            runs: try row?.int("runs") ?? 0, itemsDone: try row?.int("items_done") ?? 0, itemsFailed: try row?.int("items_failed") ?? 0,
            jobsCompleted: try row?.int("jobs_completed") ?? 0, jobsDead: try row?.int("jobs_dead") ?? 0,
            redisCommands: try row?.int("redis_commands") ?? 0)
        return Listing(runs: runs, totals: totals)
    }

    /// The `WHERE` clause of both statements: `$1` seconds, `$2` trigger or `NULL`, `$3` failed only.
    private static let matching = """
        WHERE started_at > now() - $1::int * interval '1 second'
          AND ($2::text IS NULL OR trigger = $2) AND (NOT $3::bool OR exit_code <> 0)
        """
}
