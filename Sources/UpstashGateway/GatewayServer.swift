import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import UnixSignals

/// The Upstash-compatible REST gateway: an HTTP server in front of one redis-server.
///
/// ```swift
/// let configuration = GatewayConfiguration(redisPort: 16379, token: GatewayToken("secret"))
/// try await GatewayServer(configuration: configuration, logger: logger).run()
/// ```
public struct GatewayServer: Sendable {
    /// What to serve and where Redis is.
    public let configuration: GatewayConfiguration
    /// Where the gateway logs: one line when listening, warnings for Redis failures; never the token.
    public let logger: Logger

    /// Creates a server; nothing starts until ``run()``.
    /// - Parameters:
    ///   - configuration: What to serve and where Redis is.
    ///   - logger: Where the gateway logs.
    public init(configuration: GatewayConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests and closes the Redis connections.
    ///
    /// Redis does not need to be up: requests get HTTP 500 until it is, and connections are retried on
    /// every request.
    /// - Throws: A ``GatewayError`` for a bad configuration, or the error that stopped the HTTP server
    ///   (for example, the port is in use).
    public func run() async throws {
        if let problem = self.configuration.problem() {
            throw GatewayError(.invalidConfiguration, problem)
        }
        guard let headerNames = GatewayHeaders() else {
            throw GatewayError(.invalidConfiguration, "could not build the gateway's header names")
        }
        let configuration = self.configuration
        let logger = self.logger
        if configuration.token == nil {
            logger.warning("authentication is disabled (--no-auth): every request is accepted")
        }
        let faults = configuration.faults.flatMap { $0.rate > 0 ? FaultInjector(plan: $0) : nil }
        if let faults {
            logger.warning("fault injection is ON (\(faults.plan.summary)): requests fail on purpose; counts at \(FaultInjector.statsPath)")
        }
        let pool = RedisConnectionPool(configuration: configuration, logger: logger)
        // Connect one connection now: an unreachable Redis is logged (once) by the pool, and serving starts anyway.
        _ = await pool.probe()
        let responder = GatewayResponder(
            token: configuration.token,
            maxRequestBytes: configuration.maxRequestBytes,
            executor: CommandExecutor(pool: pool),
            syncTokens: SyncTokenClock(),
            headerNames: headerNames,
            faults: faults,
            latency: .milliseconds(configuration.latencyMilliseconds),
            logger: logger
        )
        if configuration.latencyMilliseconds > 0 {
            logger.warning("every request is delayed by \(configuration.latencyMilliseconds) ms (--latency-ms), as a remote Upstash would be")
        }
        var frameworkLogger = logger
        frameworkLogger.logLevel = max(logger.logLevel, .warning)
        let application = Application(
            responder: responder,
            server: .http1(
                configuration: HTTP1Channel.Configuration(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info(
                    "tick-gateway listening on http://\(configuration.host):\(port) (redis \(configuration.redisHost):\(configuration.redisPort), \(pool.size) connections, auth \(configuration.token == nil ? "off" : "on"))"
                )
            },
            logger: frameworkLogger
        )
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
        if let faults {
            let counts = faults.counts
            logger.info("faults injected: \(counts.faults) of \(counts.requests) requests \(counts.byKind.sorted { $0.key < $1.key })")
        }
        logger.info("tick-gateway stopped")
    }
}
