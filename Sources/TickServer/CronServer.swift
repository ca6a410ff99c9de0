import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TickCore
import UnixSignals

/// The HTTP wrapper: one tick per request, run in-process by a shared ``TickCore/TickRunner``.
///
/// ```swift
/// let configuration = ServeConfiguration(secret: Secret("s3cret"))
/// try await CronServer(configuration: configuration, runner: runner, logger: logger).run()
/// ```
public struct CronServer: Sendable {
    /// What to serve and how each tick runs.
    public let configuration: ServeConfiguration
    /// Runs the ticks. Its queue (one Upstash client) is shared by every request; each run opens its own
    /// PostgreSQL connection, as `tick run` does.
    public let runner: TickRunner
    /// Where the server logs: the listening address, one line per request, shutdown. Never the secret or
    /// the `Authorization` header.
    public let logger: Logger
    /// The dashboard under its path, or `nil` (every path under it is then a 404). docs/dashboard.md.
    public let dashboard: Dashboard?
    /// What `/healthz?max_silence=` and `/metrics` read, or `nil` (then both answer 404). docs/monitoring.md.
    public let monitor: ServeMonitor?
    /// Watches for `ticks.missed` and `cost.projected_over` (tick.json's `alerts`), or `nil`. docs/monitoring.md.
    public var alertMonitor: AlertMonitor?

    /// Makes a server; nothing starts until ``run(onListening:)``.
    /// - Parameters:
    ///   - configuration: what to serve and how each tick runs.
    ///   - runner: the runner every tick uses.
    ///   - logger: where the server logs.
    ///   - dashboard: the dashboard to serve, or `nil` for none.
    ///   - monitor: the heartbeat and metrics reader, or `nil` for none.
    public init(configuration: ServeConfiguration, runner: TickRunner, logger: Logger, dashboard: Dashboard? = nil, monitor: ServeMonitor? = nil) {
        self.configuration = configuration
        self.runner = runner
        self.logger = logger
        self.dashboard = dashboard
        self.monitor = monitor
    }

    /// Serves until SIGTERM or SIGINT. Then it stops taking ticks (503), cancels those in flight (each
    /// commits its finished items and hands its jobs back), waits for them, closes the listener, and returns.
    /// - Parameter onListening: called with the bound port once the server listens.
    /// - Throws: ``ServeError`` for a bad configuration or an address it cannot listen on.
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws(ServeError) {
        let configuration = self.configuration
        let logger = self.logger
        let slots = TickSlots(capacity: configuration.maxConcurrentTicks)
        let responder = try makeResponder(slots: slots)
        let secret = responder.secret
        let dashboardBase = responder.dashboard?.base
        let metricsAuth = responder.metrics.map { $0.token == nil ? "no-auth" : "bearer" } ?? "off"
        var frameworkLogger = logger
        frameworkLogger.logLevel = max(logger.logLevel, .warning)
        let budget = configuration.run.budget.milliseconds / 1000
        let maxBudget = configuration.maxBudget.milliseconds / 1000
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                logger.notice(
                    "listening on http://\(host):\(port)",
                    metadata: [
                        "path": "\(configuration.path)", "auth": "\(secret == nil ? "off" : "bearer")", "budget_s": "\(budget)",
                        "max_budget_s": "\(maxBudget)", "max_concurrent_ticks": "\(configuration.maxConcurrentTicks)",
                        "dashboard": "\(dashboardBase ?? "off")", "metrics": "\(metricsAuth)",
                    ])
                onListening(port)
            },
            logger: frameworkLogger
        )
        // The canceller comes last: a service group shuts its services down in reverse order, so in-flight
        // ticks are cancelled before the HTTP server starts waiting for their requests to finish.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application] + (alertMonitor.map { [AlertMonitorService(monitor: $0)] } ?? []) + [RunCanceller(slots: slots, logger: logger)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: frameworkLogger))
        do {
            try await group.run()
        } catch {
            throw ServeError("cannot serve on \(configuration.host):\(configuration.port): \(error)")
        }
        logger.notice("stopped")
    }

    /// The responder of every request, after checking the configuration: `/healthz`, the tick endpoint (its
    /// ticks admitted by `slots`) and the dashboard's router under its path.
    /// - Throws: ``ServeError`` for a bad configuration (server or dashboard).
    func makeResponder(slots: TickSlots) throws(ServeError) -> CronResponder {
        if let problem = configuration.problem() { throw ServeError(problem) }
        let secret: CronSecret?
        if let value = configuration.secret {
            guard let parsed = CronSecret(value) else { throw ServeError("CRON_SECRET is empty") }
            secret = parsed
        } else {
            secret = nil
            logger.warning("authentication is OFF (--insecure-no-auth): anyone who can reach this port can start ticks")
        }
        if let dashboard, let problem = dashboard.configuration.problem(cronSecret: configuration.secret, tickPath: configuration.path) {
            throw ServeError(problem)
        }
        if let monitor {
            if let problem = monitor.configuration.problem(cronSecret: configuration.secret) { throw ServeError(problem) }
            if monitor.configuration.metricsEnabled, monitor.configuration.metricsToken == nil {
                logger.warning("/metrics is served WITHOUT authentication (--metrics-no-auth): keep this port on a private network")
            }
        }
        return CronResponder(
            configuration: configuration, secret: secret, runner: runner, slots: slots,
            dashboard: dashboard?.mount(batch: configuration.run.batch, logger: logger), monitor: monitor,
            metrics: monitor.flatMap(MetricsEndpoint.init), logger: logger)
    }
}

/// Why the server could not start or stopped early: a bad configuration, or an address it cannot bind.
public struct ServeError: TickError {
    /// One sentence saying what is wrong and what to do; never a secret.
    public let description: String

    /// Makes an error.
    /// - Parameter description: what is wrong.
    public init(_ description: String) { self.description = description }

    /// Always ``TickCore/TickExitCode/config`` (78): each of these is fixed by changing flags or environment.
    public var exitCode: TickExitCode { .config }
}
