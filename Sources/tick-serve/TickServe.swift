import ArgumentParser
import Logging
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
    @Option(help: "Seconds a tick may take when the request names no ?budget=.")
    var budget: Double = RunOptions.defaultBudget.milliseconds / 1000
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

    @Option(help: "Queue to claim from; repeat for several, in priority order.")
    var queue: [String] = []
    @Option(help: "Jobs claimed at most per tick.")
    var batch: Int = RunOptions.defaultBatch
    @Option(help: "Items in flight at once within one tick.")
    var concurrency: Int = RunOptions.defaultConcurrency
    @Option(help: "Seconds a lease outlives the budget (also the tolerated clock skew between machines).")
    var leaseMargin: Double = 30
    @Option(help: "Handler config file (TICK_CONFIG; default tick.json if it exists).")
    var config: String?
    @Option(help: "Prefix of every Redis key (TICK_PREFIX).")
    var prefix: String?

    @Option(help: "Lowest log level written to stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info
    @Option(help: "Log line format: auto (text on a terminal, JSON otherwise), text or json.")
    var logFormat: LogFormat = .auto

    func run() async throws {
        let logger = makeLogger()
        do {
            let environment = ServeEnvironment(ProcessEnvironment.variables)
            let secret = environment.cronSecret
            if secret == nil, !insecureNoAuth {
                throw ServeError(
                    "CRON_SECRET is not set: set it to the secret your scheduler sends as 'Authorization: Bearer …' (Vercel sends $CRON_SECRET), or pass --insecure-no-auth for local use"
                )
            }
            let configuration = try serveConfiguration(secret: insecureNoAuth ? nil : secret)
            let runner = try environment.runner(prefix: environment.prefix(prefix), config: config, logger: logger)
            let dashboard = try environment.dashboard(
                DashboardConfiguration(environment: environment.variables, path: dashboardPath, cadenceMinutes: dashboardCadence),
                prefix: environment.prefix(prefix), config: config)
            try await CronServer(configuration: configuration, runner: runner, logger: logger, dashboard: dashboard).run()
        } catch let error as any TickError {
            printError(error.description)
            throw ExitCode(error.exitCode.rawValue)
        }
    }

    /// The server configuration from the flags; an out-of-range value is a usage error (64).
    func serveConfiguration(secret: Secret?) throws -> ServeConfiguration {
        var options = RunOptions()
        if !queue.isEmpty { options.queues = queue }
        options.batch = batch
        options.concurrency = concurrency
        options.budget = .milliseconds(Int64((budget * 1000).rounded()))
        options.leaseMargin = .milliseconds(Int64((leaseMargin * 1000).rounded()))
        options.trigger = "http"
        let configuration = ServeConfiguration(
            host: host, port: port, path: path, run: options,
            maxBudget: maxBudget.map { .milliseconds(Int64(($0 * 1000).rounded())) },
            maxConcurrentTicks: maxConcurrentTicks, secret: secret)
        if let problem = configuration.problem() { throw ValidationError(problem) }
        return configuration
    }

    func validate() throws {
        let seconds = 0.0...86_400
        guard seconds.contains(budget), seconds.contains(leaseMargin), maxBudget.map(seconds.contains) ?? true else {
            throw ValidationError("--budget, --max-budget and --lease-margin must be numbers of seconds from 0 to 86400")
        }
        _ = try serveConfiguration(secret: nil)
    }

    func makeLogger() -> Logger {
        let format: LogLineHandler.Format =
            switch logFormat {
            case .auto: .automatic
            case .text: .text
            case .json: .json
            }
        return Logger(label: "tick.serve") { [logLevel] label in LogLineHandler(label: label, level: logLevel, format: format) }
    }
}

/// `--log-format`.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case auto, text, json
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Writes `tick-serve: error: <message>` to stderr.
func printError(_ message: String) {
    let line = Array("tick-serve: error: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
