/// Per-job checkpoints and per-item records in PostgreSQL, written with fencing.
///
/// Every write names the lease's fence (the job's claim counter in Redis). A write whose fence is lower than
/// the one stored for the job is refused: a run that lost its lease (it was slow, not dead) cannot overwrite
/// the progress of the run that took the job over. Each method is one statement (one round trip) for a
/// whole batch, and one implicit transaction, which works through a transaction pooler.
public struct CheckpointStore: Sendable {
    public let connection: PostgresConnection

    /// The channel each commit notifies of the jobs it changed (`NOTIFY`), or `nil` for none (the default:
    /// `NOTIFY` serialises commits database-wide).
    public var notifyChannel: String?

    public init(connection: PostgresConnection, notifyChannel: String? = nil) {
        self.connection = connection
        self.notifyChannel = notifyChannel
    }

    /// A claimed job as the store needs it.
    public struct JobStart: Sendable {
        public var id: String
        public var queue: String
        public var handler: String
        public var fence: Int64
        public var itemsTotal: Int?
        public var attempt: Int
        /// For a cursor job, its first page's cursor (used only the first time the job is seen).
        public var startCursor: String?
    }

    /// What earlier runs finished of a job.
    public struct Checkpoint: Sendable, Equatable {
        /// Items (or pages) recorded done.
        public var doneItems: Set<Int>
        /// The next page's cursor of a cursor job.
        public var cursor: String?
        /// `running`, or `done` when an earlier run finished the job but could not acknowledge it.
        public var state: CheckpointState
        /// Whether `tick cancel` asked for the job to stop: the run starts none of its items.
        public var cancelRequested: Bool

        /// Makes a checkpoint.
        public init(doneItems: Set<Int>, cursor: String? = nil, state: CheckpointState = .running, cancelRequested: Bool = false) {
            self.doneItems = doneItems
            self.cursor = cursor
            self.state = state
            self.cancelRequested = cancelRequested
        }
    }

    /// A job's state at the end of a run, written with its fence.
    public struct FinalState: Sendable, Hashable {
        public var jobID: String
        public var fence: Int64
        public var state: CheckpointState

        /// Makes a final state.
        public init(jobID: String, fence: Int64, state: CheckpointState) {
            self.jobID = jobID
            self.fence = fence
            self.state = state
        }
    }

    /// One finished item (or page) to record.
    public struct ItemRecord: Sendable {
        public var jobID: String
        public var fence: Int64
        public var index: Int
        public var failed: Bool
        /// The result as JSON text.
        public var result: String?
        public var error: String?
        public var attempt: Int
        /// For a page of a cursor job: the cursor of the page after it (`nil` when it was the last).
        public var nextCursor: String??

        /// The item's state in `tick_items`.
        public var state: ItemState { failed ? .failed : .done }
    }

    /// Records a run's start and returns its id; also reads the schema version in the same round trip.
    /// - Throws: ``PostgresError`` with exit code `schemaMismatch` if the tables are missing or older than this binary.
    public func startRun(trigger: RunTrigger, schedule: String?, budgetMilliseconds: Int, claimed: Int, startedAtUnixMilliseconds: Int64) throws(PostgresError) -> Int64 {
        let result: PostgresResult
        do {
            result = try connection.query(
                """
                INSERT INTO tick_runs (trigger, schedule, started_at, budget_ms, claimed)
                VALUES ($1, $2, to_timestamp($3::double precision / 1000), $4, $5)
                RETURNING run_id, (SELECT max(version) FROM tick_schema_migrations) AS schema_version
                """,
                [.text(trigger.rawValue), .text(schedule), .int(startedAtUnixMilliseconds), .int(budgetMilliseconds), .int(claimed)])
        } catch where error.sqlState == "42P01" {
            throw .schemaTooOld(connection.endpoint, current: 0, expected: Migrations.tick.latestVersion)
        }
        guard let row = result.first, let runID = try row.int("run_id") else {
            throw .unexpectedResult("INSERT INTO tick_runs returned no run_id")
        }
        let version = try row.int("schema_version") ?? 0
        if version < Migrations.tick.latestVersion { throw .schemaTooOld(connection.endpoint, current: version, expected: Migrations.tick.latestVersion) }
        if version > Migrations.tick.latestVersion { throw .schemaTooNew(connection.endpoint, current: version, expected: Migrations.tick.latestVersion) }
        return Int64(runID)
    }

    /// Takes the jobs over in PostgreSQL (raising their stored fence) and loads their checkpoints, in one
    /// statement. A job missing from the result has a higher fence stored: another run owns it now.
    public func begin(_ jobs: [JobStart]) throws(PostgresError) -> [String: Checkpoint] {
        guard !jobs.isEmpty else { return [:] }
        let result = try connection.query(
            """
            WITH \(Self.takeOver(guard: "true"))
            SELECT taken.job_id, taken.cursor, taken.state, taken.cancel, \(Self.doneItems) AS done
            FROM taken
            """,
            Self.takeOverParameters(jobs))
        return try Self.checkpoints(result)
    }

    /// The `input` and `taken` common table expressions of ``begin(_:)``, over parameters `$1`…`$7`
    /// (``takeOverParameters(_:)``); a job is taken over only where `guard` holds.
    static func takeOver(guard condition: String) -> String {
        """
        input AS (
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::int[], $7::text[])
            AS t(job_id, queue, handler, fence, items_total, attempt, cursor)
        ), taken AS (
          INSERT INTO tick_jobs AS j (job_id, queue, handler, fence, items_total, attempt, cursor, state)
          SELECT job_id, queue, handler, fence, items_total, attempt, cursor, '\(CheckpointState.running.rawValue)' FROM input
          WHERE \(condition)
          ON CONFLICT (job_id) DO UPDATE
            SET fence = EXCLUDED.fence, attempt = EXCLUDED.attempt, updated_at = now(),
                state = CASE WHEN j.state = '\(CheckpointState.done.rawValue)' THEN j.state ELSE '\(CheckpointState.running.rawValue)' END
            WHERE j.fence <= EXCLUDED.fence
          RETURNING j.job_id, j.cursor, j.state, j.cancel_requested_at IS NOT NULL AS cancel
        )
        """
    }

    /// A taken job's done items, as `1,4,5`.
    static let doneItems = """
        (SELECT string_agg(i.item_index::text, ',') FROM tick_items i
          WHERE i.job_id = taken.job_id AND i.state = '\(ItemState.done.rawValue)')
        """

    /// `$1`…`$7` of ``takeOver(guard:)``.
    static func takeOverParameters(_ jobs: [JobStart]) -> [PostgresParameter] {
        [
            PostgresArray.text(jobs.map(\.id)), PostgresArray.text(jobs.map(\.queue)), PostgresArray.text(jobs.map(\.handler)),
            PostgresArray.integers(jobs.map { $0.fence }), PostgresArray.integers(jobs.map { $0.itemsTotal.map(Int64.init) }),
            PostgresArray.integers(jobs.map { Int64($0.attempt) }), PostgresArray.text(jobs.map(\.startCursor)),
        ]
    }

    /// The checkpoints of the rows ``begin(_:)`` returns (rows without a `job_id` are skipped).
    static func checkpoints(_ result: PostgresResult) throws(PostgresError) -> [String: Checkpoint] {
        var checkpoints: [String: Checkpoint] = [:]
        for row in result {
            guard let id = try row.string("job_id") else { continue }
            let done = Set((try row.string("done") ?? "").split(separator: ",").compactMap { Int($0) })
            checkpoints[id] = Checkpoint(
                doneItems: done, cursor: try row.string("cursor"), state: try row.string("state").flatMap(CheckpointState.init(rawValue:)) ?? .running,
                cancelRequested: try row.bool("cancel") ?? false)
        }
        return checkpoints
    }

    /// What a commit learned about the jobs it wrote.
    public struct Recording: Sendable, Equatable {
        /// Jobs whose writes were refused because their fence was superseded (lease lost).
        public var refused: Set<String> = []
        /// Jobs `tick cancel` asked to stop since the run began: it starts nothing more of them.
        public var cancelRequested: Set<String> = []

        /// Makes a recording.
        public init(refused: Set<String> = [], cancelRequested: Set<String> = []) {
            self.refused = refused
            self.cancelRequested = cancelRequested
        }
    }

    /// A job's progress as its handlers reported it, to record with the next commit.
    public struct JobProgress: Sendable, Hashable {
        public var jobID: String
        public var fence: Int64
        /// 0 to 1: the job's share done, items in flight counted by what they reported.
        public var fraction: Double?
        /// The last message a handler gave, if any.
        public var message: String?

        /// A progress record.
        public init(jobID: String, fence: Int64, fraction: Double?, message: String?) {
            self.jobID = jobID
            self.fence = fence
            self.fraction = fraction
            self.message = message
        }
    }

    /// Records finished items (and cursor pages) and final job states, in one statement for all jobs.
    /// A final state other than `done` of a job `tick cancel` asked to stop is written `cancelled`.
    /// - Parameters:
    ///   - items: finished items; a `done` item replaces an earlier `failed` record, never the reverse.
    ///   - finals: jobs whose state changes (`done`, `retrying`, `dead`, `released`, `cancelled`) with their fence.
    ///   - runID: the run recording them.
    /// - Returns: the jobs refused (lease lost) and those whose cancel was requested.
    public func record(items: [ItemRecord], finals: [FinalState], progress: [JobProgress] = [], runID: Int64?) throws(PostgresError) -> Recording {
        guard !items.isEmpty || !finals.isEmpty || !progress.isEmpty else { return Recording() }
        // One row per touched job (fence, newest cursor, final state), so the UPDATE is a single
        // primary-key join: joining several per-batch lists made the planner nest loops, quadratic in the batch.
        let rows = Self.jobRows(items: items, finals: finals, progress: progress)
        let result = try connection.query(
            """
            WITH jobs AS (
              SELECT * FROM unnest($8::text[], $9::bigint[], $10::bool[], $11::text[], $12::text[], $14::real[], $15::text[], $16::text[])
                AS t(job_id, fence, has_cursor, cursor, state, progress, message, result)
            ), guarded AS (
              UPDATE tick_jobs j
                SET updated_at = now(),
                    cursor = CASE WHEN t.has_cursor THEN t.cursor ELSE j.cursor END,
                    progress = COALESCE(t.progress, j.progress), progress_message = COALESCE(t.message, j.progress_message),
                    progress_at = CASE WHEN t.progress IS NOT NULL OR t.message IS NOT NULL THEN now() ELSE j.progress_at END,
                    result = COALESCE(t.result::jsonb, j.result),
                    finished_at = CASE WHEN t.state IN ('\(CheckpointState.done.rawValue)', '\(CheckpointState.dead.rawValue)', '\(CheckpointState.cancelled.rawValue)')
                      THEN now() ELSE j.finished_at END,
                    state = CASE
                      WHEN t.state IS NOT NULL AND t.state <> '\(CheckpointState.done.rawValue)' AND j.cancel_requested_at IS NOT NULL
                        THEN '\(CheckpointState.cancelled.rawValue)'
                      ELSE COALESCE(t.state, j.state) END
                FROM jobs t
                WHERE j.job_id = t.job_id AND j.fence = t.fence
              RETURNING j.job_id, j.cancel_requested_at IS NOT NULL AS cancel, j.state, j.progress, j.progress_message
            ), notified AS (
              SELECT pg_notify($17, json_build_object('id', g.job_id, 'state', g.state, 'progress', g.progress, 'message', g.progress_message)::text)
              FROM guarded g WHERE $17::text IS NOT NULL
            ), written AS (
              INSERT INTO tick_items AS ti (job_id, item_index, state, result, error, fence, attempt, run_id)
              SELECT i.job_id, i.item_index, i.state, i.result::jsonb, i.error, i.fence, i.attempt, $13
              FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[])
                AS i(job_id, fence, item_index, state, result, error, attempt)
              WHERE i.job_id IN (SELECT job_id FROM guarded)
              ON CONFLICT (job_id, item_index) DO UPDATE
                SET state = EXCLUDED.state, result = EXCLUDED.result, error = EXCLUDED.error, fence = EXCLUDED.fence,
                    attempt = EXCLUDED.attempt, run_id = EXCLUDED.run_id, finished_at = now()
                WHERE ti.state = '\(ItemState.failed.rawValue)'
              RETURNING 1
            )
            SELECT t.job_id, true AS lost FROM jobs t WHERE t.job_id NOT IN (SELECT job_id FROM guarded)
            UNION ALL SELECT g.job_id, false AS lost FROM guarded g WHERE g.cancel
            UNION ALL SELECT NULL, NULL FROM notified
            """,
            [
                PostgresArray.text(items.map(\.jobID)), PostgresArray.integers(items.map(\.fence)),
                PostgresArray.integers(items.map { Int64($0.index) }), PostgresArray.text(items.map { $0.state.rawValue }),
                PostgresArray.text(items.map(\.result)), PostgresArray.text(items.map(\.error)), PostgresArray.integers(items.map { Int64($0.attempt) }),
                PostgresArray.text(rows.map(\.0)), PostgresArray.integers(rows.map { $0.1.fence }),
                PostgresArray.booleans(rows.map { $0.1.cursorIndex != nil }), PostgresArray.text(rows.map { $0.1.cursor }),
                PostgresArray.text(rows.map { $0.1.state }),
                .int(runID),
                PostgresArray.text(rows.map { $0.1.progress.map { String($0) } }), PostgresArray.text(rows.map { $0.1.message }),
                PostgresArray.text(rows.map { $0.1.result }), .text(notifyChannel),
            ])
        var recording = Recording()
        for row in result {
            guard let id = try row.string("job_id") else { continue }
            if try row.bool("lost") == true { recording.refused.insert(id) } else { recording.cancelRequested.insert(id) }
        }
        return recording
    }

    /// Records a run's end.
    public func finishRun(_ runID: Int64, report: RunReport) throws(PostgresError) {
        try connection.query(Self.finishUpdate(first: 1), Self.finishParameters(runID, report: report))
    }

    /// The `UPDATE` that records a run's end, its parameters numbered from `$first` (``finishParameters(_:report:)``).
    static func finishUpdate(first: Int) -> String {
        let columns = [
            "items_done", "items_failed", "jobs_completed", "jobs_retried", "jobs_dead", "jobs_released", "redis_requests", "redis_commands",
            "exit_reason", "exit_code", "jobs_cancelled",
        ]
        let sets = columns.enumerated().map { "\($0.element) = $\(first + 1 + $0.offset)" }.joined(separator: ", ")
        return "UPDATE tick_runs SET finished_at = now(), \(sets) WHERE run_id = $\(first)"
    }

    /// The run id, then the report's figures, for ``finishUpdate(first:)``.
    static func finishParameters(_ runID: Int64, report: RunReport) -> [PostgresParameter] {
        [
            .int(runID), .int(report.itemsDone), .int(report.itemsFailed), .int(report.jobsCompleted), .int(report.jobsRetried),
            .int(report.jobsDead), .int(report.jobsReleased), .int(report.redisRequests), .int(report.redisCommands),
            .text(report.exitReason.rawValue), .int(report.exitCode), .int(report.jobsCancelled),
        ]
    }
}

extension CheckpointStore {
    /// A job's checkpoint as `tick job` shows it.
    public struct Summary: Sendable, Equatable {
        public var state: String
        public var fence: Int64
        public var attempt: Int
        public var cursor: String?
        public var itemsTotal: Int?
        public var itemsDone: Int
        public var itemsFailed: Int
        /// The most recent failed item's index and error.
        public var lastFailure: (index: Int, error: String)?
        /// 0 to 1, as the handlers and the items done say (`tick_job_status.progress`), if any yet.
        public var progress: Double?
        /// The handlers' last progress message.
        public var message: String?
        /// The job's result: its last item's (JSON text).
        public var result: String?

        public static func == (a: Summary, b: Summary) -> Bool {
            a.state == b.state && a.fence == b.fence && a.attempt == b.attempt && a.cursor == b.cursor && a.itemsTotal == b.itemsTotal
                && a.itemsDone == b.itemsDone && a.itemsFailed == b.itemsFailed && a.lastFailure?.index == b.lastFailure?.index
                && a.lastFailure?.error == b.lastFailure?.error
        }
    }

    /// The checkpoint of one job, in one statement; `nil` if no run has started it.
    public func summary(of jobID: String) throws(PostgresError) -> Summary? {
        let result = try connection.query(
            """
            SELECT j.state, j.fence, j.attempt, j.cursor, j.items_total, j.progress_message AS message, j.result::text AS result,
              CASE WHEN j.state = '\(CheckpointState.done.rawValue)' THEN 1 ELSE j.progress END::float8 AS progress,
              (SELECT count(*) FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.done.rawValue)') AS done,
              (SELECT count(*) FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.failed.rawValue)') AS failed,
              f.item_index AS failed_index, f.error AS failed_error
            FROM tick_jobs j
            LEFT JOIN LATERAL (SELECT item_index, error FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.failed.rawValue)'
                               ORDER BY finished_at DESC LIMIT 1) f ON true
            WHERE j.job_id = $1
            """, [.text(jobID)])
        guard let row = result.first else { return nil }
        var failure: (index: Int, error: String)?
        if let index = try row.int("failed_index") { failure = (index, try row.string("failed_error") ?? "") }
        var summary = Summary(
            state: try row.string("state") ?? "", fence: Int64(try row.int("fence") ?? 0), attempt: try row.int("attempt") ?? 0,
            cursor: try row.string("cursor"), itemsTotal: try row.int("items_total"), itemsDone: try row.int("done") ?? 0,
            itemsFailed: try row.int("failed") ?? 0, lastFailure: failure)
        summary.progress = try row.string("progress").flatMap(Double.init)
        summary.message = try row.string("message")
        summary.result = try row.string("result")
        return summary
    }
}

extension CheckpointStore {
    /// Items done and in all (when known) of each job of `ids` that a run has started, in one statement.
    public func progress(of ids: [String]) throws(PostgresError) -> [String: (done: Int, total: Int?)] {
        guard !ids.isEmpty else { return [:] }
        let result = try connection.query(
            """
            SELECT j.job_id, j.items_total,
              (SELECT count(*) FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.done.rawValue)') AS done
            FROM tick_jobs j WHERE j.job_id = ANY($1::text[])
            """, [PostgresArray.text(ids)])
        var progress: [String: (done: Int, total: Int?)] = [:]
        for row in result {
            guard let id = try row.string("job_id") else { continue }
            progress[id] = (try row.int("done") ?? 0, try row.int("items_total"))
        }
        return progress
    }
}

extension CheckpointStore {
    /// What one commit writes to a job's row.
    struct JobRow {
        var fence: Int64
        var cursorIndex: Int?
        var cursor: String?
        var state: String?
        var progress: Double?
        var message: String?
        /// The result of the job's last item (or page) in this commit, and its index.
        var resultIndex: Int?
        var result: String?
    }

    /// One row per touched job, in first-seen order: the newest cursor, the final state, the progress, and the
    /// result of the highest item done.
    static func jobRows(items: [ItemRecord], finals: [FinalState], progress: [JobProgress]) -> [(String, JobRow)] {
        var order: [String] = []
        var rows: [JobRow] = []
        var positions: [String: Int] = [:]
        var last: (id: String, at: Int)?
        // One look-up per record at most: a job's records usually come one after another.
        func touch(_ id: String, fence: Int64, _ change: (inout JobRow) -> Void) {
            let at: Int
            if let last, last.id == id {
                at = last.at
            } else if let known = positions[id] {
                at = known
            } else {
                at = rows.count
                positions[id] = at
                order.append(id)
                rows.append(JobRow(fence: fence))
            }
            last = (id, at)
            change(&rows[at])
        }
        for item in items {
            touch(item.jobID, fence: item.fence) { job in
                if let next = item.nextCursor, item.index >= (job.cursorIndex ?? -1) {
                    job.cursorIndex = item.index
                    job.cursor = next
                }
                if !item.failed, let result = item.result, item.index >= (job.resultIndex ?? -1) {
                    job.resultIndex = item.index
                    job.result = result
                }
            }
        }
        for final in finals { touch(final.jobID, fence: final.fence) { $0.state = final.state.rawValue } }
        for update in progress {
            touch(update.jobID, fence: update.fence) { job in
                job.progress = update.fraction.map { min(1, max(0, $0)) }
                job.message = update.message
            }
        }
        return Array(zip(order, rows))
    }
}
