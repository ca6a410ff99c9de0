/// How long tick keeps what is finished (`retention` in tick.json). Work that is still queued is kept
/// whatever its age: a job that is ready, delayed, leased or dead keeps its checkpoint, so it resumes.
public struct Retention: Sendable, Hashable {
    /// A finished (done) job's checkpoint row and item records, after it finished. Defaults to 7 days.
    public var finishedJobs: Duration
    /// A run's row in `tick_runs`, after it started. Defaults to 30 days.
    public var runs: Duration
    /// A dead letter (in Redis, with its checkpoint in PostgreSQL), after it died. Defaults to 30 days.
    public var deadLetters: Duration
    /// A finished job's tombstone in Redis (its id, state and times, not its payload), so the same id enqueued
    /// again is a duplicate (`dedup_window_s`). Defaults to 24 hours.
    public var dedupWindow: Duration = Retention.defaultDedupWindow

    /// 7 days.
    public static let defaultFinishedJobs: Duration = .seconds(7 * 86_400)
    /// 30 days.
    public static let defaultRuns: Duration = .seconds(30 * 86_400)
    /// 30 days.
    public static let defaultDeadLetters: Duration = .seconds(30 * 86_400)
    /// 24 hours.
    public static let defaultDedupWindow: Duration = .seconds(86_400)
    /// The dedup window's bounds: a minute to 30 days.
    public static let dedupWindowSeconds = 60...(30 * 86_400)
    /// The longest a retention may be: 10 years.
    public static let maximumDays = 3_650

    /// A retention; each default as documented.
    public init(finishedJobs: Duration = Retention.defaultFinishedJobs, runs: Duration = Retention.defaultRuns, deadLetters: Duration = Retention.defaultDeadLetters) {
        self.finishedJobs = finishedJobs
        self.runs = runs
        self.deadLetters = deadLetters
    }
}
