/// One row of `tick_runs`, typed: what woke the run, when, and what it did.
public struct RunRecord: Sendable, Equatable {
    /// The run's id (`tick_runs.run_id`, also in its summary line as `run_id`).
    public var id: Int64
    /// What started the run; unknown text is kept as written.
    public var trigger: Recorded<RunTrigger>
    /// The cron expression, when known.
    public var schedule: String?
    /// Start, in UTC, ISO 8601 to the second (`2026-12-01T02:50:31Z`).
    public var startedAt: String
    /// Start, Unix milliseconds.
    public var startedAtUnixMilliseconds: Int64
    /// Start to finish in milliseconds; `nil` while the run is in progress (or if it was killed).
    public var durationMilliseconds: Int64?
    /// The run's time budget in milliseconds.
    public var budgetMilliseconds: Int
    /// Jobs claimed from Redis.
    public var claimed: Int
    /// Items recorded done.
    public var itemsDone: Int
    /// Items recorded failed.
    public var itemsFailed: Int
    /// Jobs that reached done.
    public var jobsCompleted: Int
    /// Jobs put back for a later attempt.
    public var jobsRetried: Int
    /// Jobs moved to the dead-letter set.
    public var jobsDead: Int
    /// Jobs handed back unfinished when the budget ran out.
    public var jobsReleased: Int
    /// HTTP requests to the Upstash REST API.
    public var redisRequests: Int
    /// Redis commands in them (what Upstash bills).
    public var redisCommands: Int
    /// Why the run ended; `nil` while it is in progress. Unknown text is kept as written.
    public var exitReason: Recorded<RunExitReason>?
    /// The process exit code; `nil` while the run is in progress.
    public var exitCode: Int?

    /// Whether the run has not recorded its end (in progress, or killed before it could).
    public var isRunning: Bool { durationMilliseconds == nil }

    /// Reads a row of ``RunHistory/list(on:filter:limit:)``'s page statement.
    init(row: PostgresRow) throws(PostgresError) {
        id = Int64(try row.int("run_id") ?? 0)
        trigger = Recorded(try row.string("trigger") ?? "")
        schedule = try row.string("schedule")
        startedAt = try row.string("started_iso") ?? ""
        startedAtUnixMilliseconds = Int64(try row.int("started_ms") ?? 0)
        durationMilliseconds = try row.int("duration_ms").map(Int64.init)
        budgetMilliseconds = try row.int("budget_ms") ?? 0
        claimed = try row.int("claimed") ?? 0
        itemsDone = try row.int("items_done") ?? 0
        itemsFailed = try row.int("items_failed") ?? 0
        jobsCompleted = try row.int("jobs_completed") ?? 0
        jobsRetried = try row.int("jobs_retried") ?? 0
        jobsDead = try row.int("jobs_dead") ?? 0
        jobsReleased = try row.int("jobs_released") ?? 0
        redisRequests = try row.int("redis_requests") ?? 0
        redisCommands = try row.int("redis_commands") ?? 0
        exitReason = try row.string("exit_reason").map { Recorded($0) }
        exitCode = try row.int("exit_code")
    }
}
