/// The process exit codes of `tick`, one per class of failure, so cron wrappers and CI can tell them apart.
///
/// The numbers are part of the public interface: they are listed in README.md and docs/operations.md.
public enum TickExitCode: Int32, Sendable, CaseIterable {
    /// The command completed. A run that completed with failed items still exits 0.
    case ok = 0
    /// Unexpected internal failure (a bug): please report it.
    case internalError = 1
    /// Bad command-line usage (ArgumentParser's own validation code).
    case usage = 64
    /// Bad input data, such as a malformed job given to `tick enqueue`.
    case dataError = 65
    /// Redis (the Upstash REST endpoint) is unreachable or kept failing within the time budget.
    /// For `tick cron --once`: an endpoint gave no response (refused, timed out, connection lost).
    case redisUnavailable = 69
    /// The Upstash REST endpoint rejected the token (HTTP 401).
    /// For `tick cron --once`: an endpoint refused `CRON_SECRET` (HTTP 401 or 403).
    case redisAuth = 77
    /// Bad configuration: a missing or malformed environment variable or config file.
    case config = 78
    /// PostgreSQL is unreachable, rejected the credentials, or failed a statement.
    case postgresUnavailable = 79
    /// The database schema, or the Redis key layout under the prefix, is older or newer than this binary
    /// expects: run `tick migrate` (older) or upgrade tick (newer).
    case schemaMismatch = 80
    /// Redis answered with an error the run cannot handle (for example `WRONGTYPE`, or a quota exceeded).
    case redisError = 81
    /// `tick cron --once`: an endpoint answered with a status outside 2xx (other than 401/403), a 3xx included.
    case cronEndpointFailed = 82
    /// `tick doctor` found at least one check in error (warnings alone exit 0).
    case checksFailed = 83
    /// An Upstash limit stopped the command: the request quota (daily or monthly), the request or record size,
    /// or the concurrent connections. Nothing claimed is lost; the message names the limit and what to do.
    case upstashLimit = 84
    /// The run was interrupted by SIGINT or SIGTERM after handing its work back.
    case interrupted = 130
}

/// An error that knows which exit code it maps to and explains itself to the user.
///
/// `description` must be one actionable sentence and must never contain a secret.
public protocol TickError: Error, CustomStringConvertible, Sendable {
    /// The exit code `tick` ends with when this error stops a command.
    var exitCode: TickExitCode { get }
}
