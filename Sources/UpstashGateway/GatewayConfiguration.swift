/// Everything the gateway needs to start.
///
/// Checked once, by ``GatewayServer``, at start-up.
public struct GatewayConfiguration: Sendable {
    /// Default HTTP port.
    public static let defaultPort = 18079
    /// Default number of pooled Redis connections.
    public static let defaultRedisConnections = 8
    /// Default limit of a request body: Upstash's 10 MB.
    public static let defaultMaxRequestBytes = 10 * 1024 * 1024
    /// Default Redis connect timeout.
    public static let defaultRedisConnectTimeoutMilliseconds = 2_000
    /// Default Redis read/write timeout of one exchange; the connection is dropped after it.
    public static let defaultRedisCommandTimeoutMilliseconds = 30_000

    /// Address the HTTP server binds to.
    public var host: String
    /// Port the HTTP server binds to (0 picks a free one).
    public var port: Int
    /// Host of redis-server.
    public var redisHost: String
    /// Port of redis-server.
    public var redisPort: Int
    /// Number of pooled Redis connections (and threads running them); at least 1.
    public var redisConnections: Int
    /// The token clients must present, or `nil` to accept every request (`--no-auth`).
    public var token: GatewayToken?
    /// Largest accepted request body in bytes; larger gets `ERR max request size exceeded`.
    public var maxRequestBytes: Int
    /// Redis connect timeout in milliseconds.
    public var redisConnectTimeoutMilliseconds: Int
    /// Redis read/write timeout in milliseconds.
    public var redisCommandTimeoutMilliseconds: Int
    /// Faults to inject on purpose, for tests (`--fault-rate` …); `nil`, the default, injects none.
    public var faults: FaultPlan?
    /// Added to every request's time, as a network hop to a remote Upstash would (`--latency-ms`, benchmarks): half before
    /// the command runs, half before the reply is sent. Zero, the default, adds nothing.
    public var latencyMilliseconds = 0

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: Address the HTTP server binds to.
    ///   - port: Port the HTTP server binds to.
    ///   - redisHost: Host of redis-server.
    ///   - redisPort: Port of redis-server.
    ///   - redisConnections: Number of pooled Redis connections.
    ///   - token: The token clients must present, or `nil` to disable authentication.
    ///   - maxRequestBytes: Largest accepted request body in bytes.
    ///   - redisConnectTimeoutMilliseconds: Redis connect timeout.
    ///   - redisCommandTimeoutMilliseconds: Redis read/write timeout.
    ///   - faults: faults to inject on purpose (tests only), or `nil`.
    public init(
        host: String = "127.0.0.1",
        port: Int = Self.defaultPort,
        redisHost: String = "127.0.0.1",
        redisPort: Int = 6379,
        redisConnections: Int = Self.defaultRedisConnections,
        token: GatewayToken?,
        maxRequestBytes: Int = Self.defaultMaxRequestBytes,
        redisConnectTimeoutMilliseconds: Int = Self.defaultRedisConnectTimeoutMilliseconds,
        redisCommandTimeoutMilliseconds: Int = Self.defaultRedisCommandTimeoutMilliseconds,
        faults: FaultPlan? = nil
    ) {
        self.host = host
        self.port = port
        self.redisHost = redisHost
        self.redisPort = redisPort
        self.redisConnections = redisConnections
        self.token = token
        self.maxRequestBytes = maxRequestBytes
        self.redisConnectTimeoutMilliseconds = redisConnectTimeoutMilliseconds
        self.redisCommandTimeoutMilliseconds = redisCommandTimeoutMilliseconds
        self.faults = faults
    }

    /// Checks the values.
    /// - Returns: A message naming the first bad value, or `nil` when all are usable.
    public func problem() -> String? {
        if !(0...10_000).contains(latencyMilliseconds) { return "--latency-ms must be from 0 to 10000, got \(latencyMilliseconds)" }
        if !(0...65535).contains(self.port) { return "--port must be between 0 and 65535, got \(self.port)" }
        if !(1...65535).contains(self.redisPort) {
            return "--redis-port must be between 1 and 65535, got \(self.redisPort)"
        }
        if !(1...256).contains(self.redisConnections) {
            return "--redis-connections must be between 1 and 256, got \(self.redisConnections)"
        }
        if self.host.isEmpty { return "--host must not be empty" }
        if self.redisHost.isEmpty { return "--redis-host must not be empty" }
        return nil
    }
}
