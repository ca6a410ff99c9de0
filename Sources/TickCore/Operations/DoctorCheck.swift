/// One check's outcome in `tick doctor`.
public struct DoctorCheck: Sendable, Equatable {
    /// How a check came out; the raw value is the word printed (`ok`, `warning`, `error`).
    public enum Level: String, Sendable {
        /// Nothing to do.
        case ok
        /// Works, but something should change; the exit code stays 0.
        case warning
        /// Does not work; the doctor exits 83.
        case error
    }

    /// A dotted name, such as `env.redis_url` or `queue.default`.
    public var name: String
    /// How the check came out.
    public var level: Level
    /// What was found and, unless ok, what to do. Never holds a secret.
    public var message: String

    public init(name: String, level: Level, message: String) {
        self.name = name
        self.level = level
        self.message = message
    }
}
