import ArgumentParser
import TickBuild

/// `tick-serve` (also `tick serve`, which execs this binary): runs one tick per HTTP request, as a Vercel
/// Cron invocation does. Kept out of the `tick` binary so the cron path never links SwiftNIO.
public struct TickServeCommand: AsyncParsableCommand {
    /// The command's name, help text and version.
    public static let configuration = CommandConfiguration(
        commandName: "tick-serve",
        abstract: ServeHelp.abstract,
        discussion: ServeHelp.discussion + " Also started as 'tick serve'.",
        version: TickVersion.description
    )

    /// The flags.
    @OptionGroup public var options: ServeOptions

    /// Makes the command (ArgumentParser fills in the flags).
    public init() {}

    /// Serves until SIGTERM or SIGINT.
    public func run() async throws { try await options.serve() }
}

/// `serve` as a subcommand that runs the server in this process: the `serve` of ``TickServeMain/run(handlers:)``'s
/// full tick, so your own executable's Swift handlers run in its HTTP ticks too.
struct InProcessServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: ServeHelp.abstract,
        discussion: ServeHelp.discussion + " Runs in this process, with this executable's Swift handlers."
    )

    @OptionGroup var options: ServeOptions

    func run() async throws { try await options.serve() }
}

/// The help text the two serve commands share.
enum ServeHelp {
    static let abstract = "Serve one tick per HTTP request (Vercel Cron, QStash, any scheduler)."
    static let discussion = """
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
        the dashboard under --dashboard-path (docs/dashboard.md); neither set: no dashboard (404). \
        GET /healthz?max_silence=SECONDS answers 503 when no run happened within SECONDS (the heartbeat is read \
        from Redis at most once every 5 s). TICK_METRICS_TOKEN (or --metrics-no-auth) turns on GET /metrics in the \
        Prometheus text format (docs/monitoring.md).
        Exit codes: 0 stopped by a signal, 64 usage, 78 bad configuration \
        (including an address that cannot be bound).
        """
}
