import ArgumentParser
import Logging
import TickCLI
import TickCore
import TickServer

/// The flags of `tick-serve` and of the in-process `serve` subcommand, defined once, and the server they start.
public struct ServeOptions: ParsableArguments {
    /// Address to listen on.
    @Option(help: "Address to listen on.")
    public var host: String = ServeConfiguration.defaultHost
    /// Port to listen on; 0 picks a free one.
    @Option(help: "Port to listen on (0 picks a free one; the bound address is logged).")
    public var port: Int = ServeConfiguration.defaultPort
    /// Path of the tick endpoint.
    @Option(help: "Path of the tick endpoint, matched exactly.")
    public var path: String = ServeConfiguration.defaultPath
    /// Most seconds a request may ask for with `?budget=`.
    @Option(help: "Most seconds a request may ask for with ?budget= (larger values are clamped). Default: --budget.")
    public var maxBudget: Double?
    /// Ticks running at once in this process.
    @Option(help: "Ticks running at once in this process; more requests get 429.")
    public var maxConcurrentTicks: Int = ServeConfiguration.defaultMaxConcurrentTicks
    /// Accept requests without a secret.
    @Flag(help: "Accept requests without a secret (local use only; logs a warning).")
    public var insecureNoAuth: Bool = false

    /// Serve `/metrics` without a token.
    @Flag(help: "Serve /metrics without a token (a private network only); otherwise /metrics needs TICK_METRICS_TOKEN.")
    public var metricsNoAuth: Bool = false

    /// Path of the dashboard.
    @Option(help: "Path of the dashboard (served only when TICK_DASHBOARD_TOKEN or TICK_DASHBOARD_ADMIN_TOKEN is set).")
    public var dashboardPath: String = DashboardConfiguration.defaultPath
    /// Minutes between the cron's ticks, for the dashboard's projection.
    @Option(help: "Minutes between your cron's ticks, for the dashboard's projection of Upstash commands a month.")
    public var dashboardCadence: Double = 1

    /// Seconds between the alert monitor's checks.
    @Option(name: .long, help: "Seconds between the checks for ticks.missed and cost.projected_over alerts (one Redis request each), when tick.json's alerts want them.")
    public var alertCheckInterval: Int = 300

    /// The run flags shared with `tick run`.
    @OptionGroup public var runFlags: RunFlags
    /// `--prefix`.
    @OptionGroup public var queueOptions: QueueOptions
    /// Logging flags.
    @OptionGroup public var global: GlobalOptions

    /// Makes the options with their defaults (ArgumentParser fills them in).
    public init() {}

    /// Starts the server and runs until SIGTERM or SIGINT. Handlers are those of
    /// ``HandlerRegistry/standard(config:environment:queue:)``: built-ins, the config file's, and the Swift
    /// handlers bound in ``HandlerRegistry/added``.
    /// - Throws: `ExitCode` with the error's exit code, after printing it.
    public func serve() async throws {
        let logger = global.makeLogger("tick.serve")
        do {
            var server = try makeServer(TickEnvironment(), logger: logger)
            if let alerts = server.runner.alerts, let queue = server.runner.queue as? JobQueue {
                guard (1...86_400).contains(alertCheckInterval) else { throw ValidationError("--alert-check-interval must be from 1 to 86400 seconds") }
                let alertMonitor = AlertMonitor(queue: queue, dispatcher: alerts, interval: .seconds(alertCheckInterval), logger: logger)
                if alertMonitor.isNeeded { server.alertMonitor = alertMonitor }
            }
            try await server.run()
        } catch let error as any TickError {
            ServeMessages.printError(error.description)
            throw ExitCode(error.exitCode.rawValue)
        }
    }

    /// The server, its runner, dashboard and monitor, from the flags and the environment.
    func makeServer(_ environment: TickEnvironment, logger: Logger) throws -> CronServer {
        let secret = environment.cronSecret
        if secret == nil, !insecureNoAuth {
            throw ServeError(
                "CRON_SECRET is not set: set it to the secret your scheduler sends as 'Authorization: Bearer …' (Vercel sends $CRON_SECRET), or pass --insecure-no-auth for local use"
            )
        }
        let configuration = try serveConfiguration(secret: insecureNoAuth ? nil : secret)
        let prefix = environment.prefix(queueOptions.prefix)
        let runner = try environment.runner(prefix: prefix, config: runFlags.config, logger: logger, applicationName: "tick-serve")
        let dashboard = try environment.dashboard(
            DashboardConfiguration(environment: environment.variables, path: dashboardPath, cadenceMinutes: dashboardCadence),
            prefix: prefix, config: runFlags.config)
        let monitor = try environment.monitor(metricsWithoutAuth: metricsNoAuth, prefix: prefix)
        return CronServer(configuration: configuration, runner: runner, logger: logger, dashboard: dashboard, monitor: monitor)
    }

    /// The server configuration from the flags; an out-of-range value is a usage error (64).
    func serveConfiguration(secret: Secret?) throws -> ServeConfiguration {
        let options = try runFlags.options(trigger: .http)
        let configuration = ServeConfiguration(
            host: host, port: port, path: path, run: options,
            maxBudget: try maxBudget.map { try RunFlags.duration($0, flag: "--max-budget") },
            maxConcurrentTicks: maxConcurrentTicks, secret: secret)
        if let problem = configuration.problem() { throw ValidationError(problem) }
        return configuration
    }

    /// Checks the flags before anything starts.
    public func validate() throws {
        try FlagRange.check(dashboardCadence, 0.0167...1440, flag: "--dashboard-cadence", unit: "minutes")
        _ = try serveConfiguration(secret: nil)
    }
}
