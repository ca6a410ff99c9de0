import Synchronization

/// Counts the Redis usage of one run, whatever else shares its client: the requests made by the run's own task (and
/// its child tasks) while it is ``current``. A drain with several runs in flight gives each its own.
public final class RedisUsageMeter: Sendable {
    /// The meter of the task making a request, if it has one.
    @TaskLocal public static var current: RedisUsageMeter?

    private let counted = Mutex(RedisUsage())

    /// A meter at zero.
    public init() {}

    /// What was counted so far.
    public var usage: RedisUsage { counted.withLock { $0 } }

    /// Counts a request of `commands` billable commands and `bytesSent` bytes of body.
    public func request(commands: Int, bytesSent: Int) {
        counted.withLock { usage in
            usage.requests += 1
            usage.commands += commands
            usage.bytesSent += bytesSent
        }
    }

    /// Counts `bytes` of a response body.
    public func received(_ bytes: Int) {
        counted.withLock { $0.bytesReceived += bytes }
    }
}
