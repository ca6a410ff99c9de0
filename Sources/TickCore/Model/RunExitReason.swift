/// Why a run ended, in its summary line and in `tick_runs.exit_reason`.
public enum RunExitReason: String, Sendable, Codable, CaseIterable {
    /// Nothing was ready: one Redis request, no PostgreSQL connection.
    case idle
    /// Every claimed job reached an outcome (done, retry, dead) within the budget.
    case completed
    /// The budget ran out: unfinished jobs were handed back (released) for the next run.
    case budget
    /// SIGTERM or SIGINT (or a cancelled HTTP request) stopped the run after it handed its work back.
    case interrupted
    /// The Upstash REST endpoint rejected the token.
    case redisAuth = "redis_auth"
    /// Redis rejected a command (WRONGTYPE, quota, a script error).
    case redisError = "redis_error"
    /// The Upstash REST endpoint could not be reached or kept failing.
    case redisUnavailable = "redis_unavailable"
    /// An Upstash limit (request quota, request or record size, connections) refused a request.
    case upstashLimit = "upstash_limit"
    /// The keys under the prefix are in another layout version than this binary's: run `tick migrate`.
    case layoutMismatch = "layout_mismatch"
    /// PostgreSQL could not be reached or failed a statement: the claimed jobs were handed back.
    case postgresUnavailable = "postgres_unavailable"
    /// The database schema is older or newer than this binary: run `tick migrate`.
    case schemaMismatch = "schema_mismatch"

}
