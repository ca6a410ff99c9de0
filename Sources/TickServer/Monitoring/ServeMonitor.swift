import TickCore

/// What `tick serve` reads from Redis for watchers: the heartbeat behind `/healthz?max_silence=` (through a
/// ``HeartbeatCache``) and the scrape behind `/metrics`. It has a Redis client of its own, apart from the
/// ticks' and the dashboard's, so its requests never mix with theirs. docs/monitoring.md.
public struct ServeMonitor: Sendable {
    /// The metrics token and the heartbeat cache's lifetime.
    public let configuration: MonitorConfiguration
    /// The queue over the monitor's own client.
    let queue: JobQueue
    let heartbeats: HeartbeatCache

    /// Makes a monitor over its own Redis client.
    /// - Parameters:
    ///   - configuration: the metrics token and the heartbeat cache's lifetime.
    ///   - upstash: the Redis REST endpoint and token (the same as the ticks').
    ///   - prefix: the key prefix.
    /// - Throws: ``TickCore/UpstashError`` when the client cannot be made.
    public init(configuration: MonitorConfiguration, upstash: UpstashConfiguration, prefix: String) throws(UpstashError) {
        self.configuration = configuration
        let queue = JobQueue(client: try UpstashClient(configuration: upstash), prefix: prefix)
        self.queue = queue
        heartbeats = HeartbeatCache(lifetime: configuration.heartbeatLifetime) { () async throws(UpstashError) in try await queue.heartbeat() }
    }

    /// The Redis requests and commands the monitor has sent so far.
    public var usage: RedisUsage { get async { queue.client.usage } }
}

extension TickEnvironment {
    /// The monitor of `tick serve`, from `TICK_METRICS_TOKEN` and the Upstash variables.
    /// - Parameters:
    ///   - metricsWithoutAuth: `--metrics-no-auth`.
    ///   - prefix: the Redis key prefix.
    /// - Throws: a ``TickCore/TickError`` (exit code 78) for a missing or malformed variable.
    public func monitor(metricsWithoutAuth: Bool, prefix: String) throws -> ServeMonitor {
        try ServeMonitor(
            configuration: MonitorConfiguration(environment: variables, metricsWithoutAuth: metricsWithoutAuth),
            upstash: try UpstashConfiguration(environment: variables), prefix: prefix)
    }
}
