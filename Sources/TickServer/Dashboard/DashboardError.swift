import TickCore

/// Why a dashboard page could not be made: the page shows this sentence (never a secret) with status 502/503.
enum DashboardError: Error, Sendable, CustomStringConvertible {
    /// Redis (the REST endpoint) failed.
    case redis(UpstashError)
    /// PostgreSQL failed.
    case postgres(PostgresError)
    /// Redis answered with something the dashboard cannot read (a bug, or another program's keys under the prefix).
    case unexpectedReply(String)

    var description: String {
        switch self {
        case .redis(let error): "Redis is unavailable or refused a command: \(error.description)"
        case .postgres(let error): "PostgreSQL is unavailable or a query failed: \(error.description)"
        case .unexpectedReply(let detail): "Redis answered unexpectedly: \(detail)"
        }
    }
}
