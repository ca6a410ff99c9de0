import ArgumentParser
import Logging
import TickCLI
import TickCore
import TickServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tick-serve` (also `tick serve`, which execs this binary): runs one tick per HTTP request, as a Vercel
/// Cron invocation does. Kept out of the `tick` binary so the cron path never links SwiftNIO.
@main
struct TickServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick-serve",
        abstract: "Serve one tick per HTTP request (Vercel Cron, QStash, any scheduler).",
        discussion: """
            GET or POST <path> with 'Authorization: Bearer $CRON_SECRET' runs one tick in this process and answers \
            with its JSON summary: 200, or 500 when the run failed (the summary has "error"). Missing or wrong \
            secret: 401 and no run. More than --max-concurrent-ticks at once: 429 with Retry-After. \
            '?budget=SECONDS' lowers (or raises, up to --max-budget) the budget of that request's run. \
            GET /healthz answers {"ok":true} without touching Redis or PostgreSQL. The trigger is recorded as \
            'http', with the x-vercel-cron-schedule header when sent. SIGTERM or SIGINT: stop taking ticks, \
            cancel those in flight (they commit and hand their jobs back), answer them, exit 0.

            Environment: CRON_SECRET (required unless --insecure-no-auth), UPSTASH_REDIS_REST_URL, \
            UPSTASH_REDIS_REST_TOKEN, DATABASE_URL, TICK_PREFIX, TICK_CONFIG, as for 'tick run'. \
            TICK_DASHBOARD_TOKEN (read-only) and TICK_DASHBOARD_ADMIN_TOKEN (retry and purge dead letters) turn on \
            the dashboard under --dashboard-path (docs/dashboard.md); neither set: no dashboard (404).
            Also started as 'tick serve'. Exit codes: 0 stopped by a signal, 64 usage, 78 bad configuration \
            (including an address that cannot be bound).
            """,
        version: TickVersion.current
    )

    @Option(help: "Address to listen on.")
    var host: String = ServeConfiguration.defaultHost
    @Option(help: "Port to listen on (0 picks a free one; the bound address is logged).")
    var port: Int = ServeConfiguration.defaultPort
    @Option(help: "Path of the tick endpoint, matched exactly.")
    var path: String = ServeConfiguration.defaultPath
    @Option(help: "Most seconds a request may ask for with ?budget= (larger values are clamped). Default: --budget.")
    var maxBudget: Double?
    @Option(help: "Ticks running at once in this process; more requests get 429.")
    var maxConcurrentTicks: Int = ServeConfiguration.defaultMaxConcurrentTicks
    @Flag(help: "Accept requests without a secret (local use only; logs a warning).")
    var insecureNoAuth: Bool = false

    @Option(help: "Path of the dashboard (served only when TICK_DASHBOARD_TOKEN or TICK_DASHBOARD_ADMIN_TOKEN is set).")
    var dashboardPath: String = DashboardConfiguration.defaultPath
    @Option(help: "Minutes between your cron's ticks, for the dashboard's projection of Upstash commands a month.")
    var dashboardCadence: Double = 1

    @Option(name: .long, help: "Seconds between the checks for ticks.missed and cost.projected_over alerts (one Redis request each), when tick.json's alerts want them.")
    var alertCheckInterval: Int = 300

    @OptionGroup var runFlags: RunFlags
    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger("tick.serve")
        do {
            let environment = TickEnvironment()
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
            var server = CronServer(configuration: configuration, runner: runner, logger: logger, dashboard: dashboard)
            if let alerts = runner.alerts, let queue = runner.queue as? JobQueue {
                guard (1...86_400).contains(alertCheckInterval) else { throw ValidationError("--alert-check-interval must be from 1 to 86400 seconds") }
                let monitor = AlertMonitor(queue: queue, dispatcher: alerts, interval: .seconds(alertCheckInterval), logger: logger)
                if monitor.isNeeded { server.monitor = monitor }
            }
            try await server.run()
        } catch let error as any TickError {
            printError(error.description)
            throw ExitCode(error.exitCode.rawValue)
        }
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

    func validate() throws {
        try FlagRange.check(dashboardCadence, 0.0167...1440, flag: "--dashboard-cadence", unit: "minutes")
        _ = try serveConfiguration(secret: nil)
    }
}

/// Writes `tick-serve: error: <message>` to stderr.
func printError(_ message: String) {
    let line = Array("tick-serve: error: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
