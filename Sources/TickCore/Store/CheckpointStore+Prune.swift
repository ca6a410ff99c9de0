/// Retention in PostgreSQL: removes what is finished and old, in bounded batches, and never the checkpoint of
/// a job that is still queued (ready, delayed, leased, retrying, released or dead: it must resume).
extension CheckpointStore {
    /// What one prune statement removed (or, for a dry run, would remove).
    public struct Pruned: Sendable, Equatable {
        public var jobs = 0
        public var items = 0
        public var runs = 0
        /// Dead or cancel-requested jobs old enough that Redis may have removed them (``orphanCandidates(olderThan:limit:)``).
        public var orphanCandidates: [String] = []

        /// Nothing removed.
        public init(jobs: Int = 0, items: Int = 0, runs: Int = 0, orphanCandidates: [String] = []) {
            self.jobs = jobs
            self.items = items
            self.runs = runs
            self.orphanCandidates = orphanCandidates
        }
    }

    /// A run's automatic retention in one statement (one round trip): up to `limit` finished jobs with their items
    /// and up to `limit` runs past their age are removed (by `tick_jobs_finished_idx` and `tick_runs_started_at_idx`),
    /// and up to `limit` orphan candidates are returned for the caller to check in Redis.
    public func pruneBatch(_ retention: Retention, limit: Int) throws(PostgresError) -> Pruned {
        try Self.pruned(connection.query("WITH \(Self.pruneBatchCTEs(keeping: nil)) \(Self.pruneBatchSelect)", Self.pruneBatchParameters(retention, limit: limit)))
    }

    /// The run's end (``finishRun(_:report:)``) and ``pruneBatch(_:limit:)`` in one statement (one round trip);
    /// the run's own row is never pruned.
    public func finishRun(_ runID: Int64, report: RunReport, thenPrune retention: Retention, limit: Int) throws(PostgresError) -> Pruned {
        try Self.pruned(
            connection.query(
                "WITH finish AS (\(Self.finishUpdate(first: 5)) RETURNING 1), \(Self.pruneBatchCTEs(keeping: 5)) \(Self.pruneBatchSelect)",
                Self.pruneBatchParameters(retention, limit: limit) + Self.finishParameters(runID, report: report)))
    }

    /// ``pruneBatch(_:limit:)``'s common table expressions over `$1`…`$4`; `keeping` numbers a run id never pruned.
    static func pruneBatchCTEs(keeping: Int?) -> String {
        """
        doomed AS (
          SELECT job_id FROM tick_jobs
          WHERE state IN ('\(CheckpointState.done.rawValue)', '\(CheckpointState.cancelled.rawValue)') AND updated_at < now() - make_interval(secs => $1)
          LIMIT $4
        ), items AS (DELETE FROM tick_items WHERE job_id IN (SELECT job_id FROM doomed) RETURNING 1),
        jobs AS (DELETE FROM tick_jobs WHERE job_id IN (SELECT job_id FROM doomed) RETURNING 1),
        old_runs AS (
          SELECT run_id FROM tick_runs WHERE started_at < now() - make_interval(secs => $2)\(keeping.map { " AND run_id <> $\($0)" } ?? "")
          ORDER BY started_at LIMIT $4
        ),
        runs AS (DELETE FROM tick_runs WHERE run_id IN (SELECT run_id FROM old_runs) RETURNING 1),
        orphans AS (
          SELECT job_id FROM tick_jobs
          WHERE (state = '\(CheckpointState.dead.rawValue)' OR cancel_requested_at IS NOT NULL) AND updated_at < now() - make_interval(secs => $3)
          LIMIT $4
        ), counts AS (SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM runs) AS runs)
        """
    }

    static let pruneBatchSelect = "SELECT counts.jobs, counts.items, counts.runs, orphans.job_id FROM counts LEFT JOIN orphans ON true"

    static func pruneBatchParameters(_ retention: Retention, limit: Int) -> [PostgresParameter] {
        [
            .double(retention.finishedJobs.milliseconds / 1000), .double(retention.runs.milliseconds / 1000),
            .double(min(retention.deadLetters, retention.finishedJobs).milliseconds / 1000), .int(limit),
        ]
    }

    static func pruned(_ rows: PostgresResult) throws(PostgresError) -> Pruned {
        var pruned = Pruned()
        for row in rows {
            pruned.jobs = try row.int("jobs") ?? 0
            pruned.items = try row.int("items") ?? 0
            pruned.runs = try row.int("runs") ?? 0
            if let id = try row.string("job_id") { pruned.orphanCandidates.append(id) }
        }
        return pruned
    }

    /// Removes up to `limit` jobs that finished (`done` or `cancelled`) more than `age` ago, with their item
    /// records, in one statement (by `tick_jobs_finished_idx`); with `dryRun`, counts them all instead.
    public func pruneFinishedJobs(olderThan age: Duration, limit: Int, dryRun: Bool) throws(PostgresError) -> Pruned {
        try pruneJobs(
            where: "state IN ('\(CheckpointState.done.rawValue)', '\(CheckpointState.cancelled.rawValue)') AND updated_at < now() - make_interval(secs => $1)",
            [.double(age.milliseconds / 1000)], limit: limit, dryRun: dryRun)
    }

    /// Up to `limit` jobs recorded dead, or cancel-requested, that were last written more than `age` ago (by
    /// `tick_jobs_orphan_idx`): their records in Redis may have been removed by retention since (a claim's sweep),
    /// leaving the checkpoint orphaned. The caller asks Redis which are gone, then ``pruneOrphans(_:)``.
    public func orphanCandidates(olderThan age: Duration, limit: Int) throws(PostgresError) -> [String] {
        let rows = try connection.query(
            """
            SELECT job_id FROM tick_jobs
            WHERE (state = '\(CheckpointState.dead.rawValue)' OR cancel_requested_at IS NOT NULL)
              AND updated_at < now() - make_interval(secs => $1)
            LIMIT $2
            """, [.double(age.milliseconds / 1000), .int(limit)])
        var ids: [String] = []
        for row in rows { if let id = try row.string("job_id") { ids.append(id) } }
        return ids
    }

    /// Removes the checkpoints (and item records) of `ids`, candidates whose job Redis no longer has, unless a run
    /// has taken one since (its state is no longer dead, or it is no longer cancel-requested).
    public func pruneOrphans(_ ids: [String]) throws(PostgresError) -> Pruned {
        guard !ids.isEmpty else { return Pruned() }
        return try pruneJobs(
            where: "job_id = ANY($1::text[]) AND (state = '\(CheckpointState.dead.rawValue)' OR cancel_requested_at IS NOT NULL)",
            [PostgresArray.text(ids)], limit: ids.count, dryRun: false)
    }

    /// Removes the checkpoints (and item records) of `ids` whose state is `dead`: jobs whose dead letter was just
    /// removed from Redis, so nothing can resume them. With `dryRun`, counts them.
    public func pruneDeadJobs(_ ids: [String], dryRun: Bool) throws(PostgresError) -> Pruned {
        guard !ids.isEmpty else { return Pruned() }
        return try pruneJobs(
            where: "job_id = ANY($1::text[]) AND state = '\(CheckpointState.dead.rawValue)'", [PostgresArray.text(ids)], limit: ids.count,
            dryRun: dryRun)
    }

    /// Deletes up to `limit` `tick_jobs` rows matching `condition` (whose only parameter is `$1`) with their
    /// `tick_items`, or counts every match for a dry run; one statement either way.
    private func pruneJobs(where condition: String, _ parameter: [PostgresParameter], limit: Int, dryRun: Bool) throws(PostgresError) -> Pruned {
        let sql =
            dryRun
            ? """
            SELECT count(*) AS jobs, coalesce(sum((SELECT count(*) FROM tick_items i WHERE i.job_id = j.job_id)), 0) AS items
            FROM tick_jobs j WHERE \(condition)
            """
            : """
            WITH doomed AS (SELECT job_id FROM tick_jobs WHERE \(condition) LIMIT $2),
              items AS (DELETE FROM tick_items WHERE job_id IN (SELECT job_id FROM doomed) RETURNING 1),
              jobs AS (DELETE FROM tick_jobs WHERE job_id IN (SELECT job_id FROM doomed) RETURNING 1)
            SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM items) AS items
            """
        let row = try connection.query(sql, dryRun ? parameter : parameter + [.int(limit)]).first
        return Pruned(jobs: try row?.int("jobs") ?? 0, items: try row?.int("items") ?? 0)
    }

    /// Removes up to `limit` runs that started more than `age` ago (oldest first, by `tick_runs_started_at_idx`);
    /// with `dryRun`, counts them all.
    public func pruneRuns(olderThan age: Duration, limit: Int, dryRun: Bool) throws(PostgresError) -> Pruned {
        let old = "started_at < now() - make_interval(secs => $1)"
        let sql =
            dryRun
            ? "SELECT count(*) AS runs FROM tick_runs WHERE \(old)"
            : """
            WITH doomed AS (SELECT run_id FROM tick_runs WHERE \(old) ORDER BY started_at LIMIT $2),
              runs AS (DELETE FROM tick_runs WHERE run_id IN (SELECT run_id FROM doomed) RETURNING 1)
            SELECT count(*) AS runs FROM runs
            """
        let parameters: [PostgresParameter] = dryRun ? [.double(age.milliseconds / 1000)] : [.double(age.milliseconds / 1000), .int(limit)]
        return Pruned(runs: try connection.query(sql, parameters).first?.int("runs") ?? 0)
    }
}
