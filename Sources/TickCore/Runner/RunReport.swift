/// What one run did: printed as one JSON line on stdout and stored in the runs table.
public struct RunReport: Sendable, Codable, Equatable {
    public var runID: Int64?
    public var trigger: String
    public var startedAtUnixMilliseconds: Int64
    public var durationMilliseconds: Int
    public var budgetMilliseconds: Int
    public var claimed: Int = 0
    public var itemsDone: Int = 0
    public var itemsFailed: Int = 0
    public var jobsCompleted: Int = 0
    public var jobsRetried: Int = 0
    public var jobsDead: Int = 0
    public var jobsReleased: Int = 0
    /// Jobs this run stopped because another run took them over (its lease had expired).
    public var jobsLost: Int = 0
    /// Jobs this run enqueued for due schedule slots (inside its claim request).
    public var jobsScheduled: Int = 0
    /// Time from the run's start to its first item handed to a handler (claim, connect, checkpoint load).
    public var firstItemMilliseconds: Double?
    public var redisRequests: Int = 0
    public var redisCommands: Int = 0
    /// `idle`, `completed`, `budget`, `interrupted`, `redis_unavailable`, `postgres_unavailable`, ...
    public var exitReason: String = "completed"
    public var exitCode: Int = 0
    /// The error that ended the run early, if any.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", trigger, startedAtUnixMilliseconds = "started_at_ms", durationMilliseconds = "duration_ms"
        case budgetMilliseconds = "budget_ms", claimed, itemsDone = "items_done", itemsFailed = "items_failed"
        case jobsCompleted = "jobs_completed", jobsRetried = "jobs_retried", jobsDead = "jobs_dead", jobsReleased = "jobs_released"
        case jobsLost = "jobs_lost", jobsScheduled = "jobs_scheduled", firstItemMilliseconds = "first_item_ms", redisRequests = "redis_requests", redisCommands = "redis_commands"
        case exitReason = "exit_reason", exitCode = "exit_code", error
    }

    /// The report as one line of JSON.
    public var jsonLine: String {
        var fields: [String: JSONValue] = [
            "trigger": .string(trigger), "started_at_ms": .integer(startedAtUnixMilliseconds), "duration_ms": .integer(Int64(durationMilliseconds)),
            "budget_ms": .integer(Int64(budgetMilliseconds)), "claimed": .integer(Int64(claimed)), "items_done": .integer(Int64(itemsDone)),
            "items_failed": .integer(Int64(itemsFailed)), "jobs_completed": .integer(Int64(jobsCompleted)), "jobs_retried": .integer(Int64(jobsRetried)),
            "jobs_dead": .integer(Int64(jobsDead)), "jobs_released": .integer(Int64(jobsReleased)), "jobs_lost": .integer(Int64(jobsLost)),
            "jobs_scheduled": .integer(Int64(jobsScheduled)),
            "redis_requests": .integer(Int64(redisRequests)), "redis_commands": .integer(Int64(redisCommands)),
            "exit_reason": .string(exitReason), "exit_code": .integer(Int64(exitCode)),
        ]
        fields["run_id"] = runID.map(JSONValue.integer) ?? .null
        fields["first_item_ms"] = firstItemMilliseconds.map { .double(($0 * 100).rounded() / 100) } ?? .null
        if let error { fields["error"] = .string(error) }
        return JSONValue.object(fields).serialized
    }
}
