/// What a client has cost so far: HTTP requests sent and billable Redis commands in them.
///
/// Upstash bills each command, including each command inside a pipeline or transaction; a pipeline of
/// k commands is k commands in one request. An `EVAL` is counted as one command (Upstash does not
/// document whether the commands a script runs are billed). Retried requests count again.
public struct RedisUsage: Sendable, Hashable, Codable {
    /// HTTP requests sent, retries included.
    public var requests: Int = 0
    /// Billable commands in those requests.
    public var commands: Int = 0
    /// Request bodies sent (the commands, scripts and arguments), in bytes; headers not counted.
    public var bytesSent: Int = 0
    /// Response bodies received, in bytes; headers not counted.
    public var bytesReceived: Int = 0

    /// No requests yet.
    public init(requests: Int = 0, commands: Int = 0, bytesSent: Int = 0, bytesReceived: Int = 0) {
        self.requests = requests
        self.commands = commands
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }

    /// The usage since `earlier`.
    public func since(_ earlier: RedisUsage) -> RedisUsage {
        RedisUsage(
            requests: requests - earlier.requests, commands: commands - earlier.commands, bytesSent: bytesSent - earlier.bytesSent,
            bytesReceived: bytesReceived - earlier.bytesReceived)
    }
}
