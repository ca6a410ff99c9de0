import TickCore

/// What `tick-serve` serves, where, and how each tick runs. Every default is named and documented; the
/// values are checked once, at start-up (``problem()``).
public struct ServeConfiguration: Sendable {
    /// Default address: loopback only. Put a reverse proxy (TLS) in front, or pass `--host 0.0.0.0`.
    public static let defaultHost = "127.0.0.1"
    /// Default port: 3000.
    public static let defaultPort = 3000
    /// Default path of the tick endpoint: `/api/cron/tick`, the path `vercel.json` calls.
    public static let defaultPath = "/api/cron/tick"
    /// Path of the health check: answers without any I/O, unless asked `?max_silence=` (docs/monitoring.md).
    public static let healthPath = "/healthz"
    /// Default cap on ticks running at once in one process: 2.
    public static let defaultMaxConcurrentTicks = 2
    /// Seconds a refused request (429, 503) is told to wait: 5.
    public static let retryAfterSeconds = 5
    /// Longest accepted `x-vercel-cron-schedule` header value; longer values are not recorded.
    public static let maxScheduleLength = 256

    /// Address to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one (the bound address is logged).
    public var port: Int
    /// Path of the tick endpoint, matched exactly: no trailing-slash leniency, never a redirect.
    public var path: String
    /// The options of every run: queues, batch, concurrency, lease margin, and the budget a request gets
    /// when it names none. `trigger` and `schedule` are set per request.
    public var run: RunOptions
    /// The most a request may ask for with `?budget=`; larger values are clamped to it. At least `run.budget`.
    public var maxBudget: Duration
    /// Ticks running at once in this process; further requests get 429 with `Retry-After`.
    public var maxConcurrentTicks: Int
    /// The secret requests must send as `Authorization: Bearer <secret>`; `nil` turns authentication off
    /// (`--insecure-no-auth`, local use only).
    public var secret: Secret?

    /// Makes a configuration.
    /// - Parameters:
    ///   - host: address to listen on. Defaults to ``defaultHost``.
    ///   - port: port to listen on, 0 for any free one. Defaults to ``defaultPort``.
    ///   - path: path of the tick endpoint. Defaults to ``defaultPath``.
    ///   - run: options of every run; its `budget` is the default budget. Defaults to `RunOptions()`.
    ///   - maxBudget: the ceiling of `?budget=`. Defaults to `run.budget`.
    ///   - maxConcurrentTicks: ticks at once. Defaults to ``defaultMaxConcurrentTicks``.
    ///   - secret: the bearer secret, or `nil` for no authentication.
    public init(
        host: String = ServeConfiguration.defaultHost,
        port: Int = ServeConfiguration.defaultPort,
        path: String = ServeConfiguration.defaultPath,
        run: RunOptions = RunOptions(),
        maxBudget: Duration? = nil,
        maxConcurrentTicks: Int = ServeConfiguration.defaultMaxConcurrentTicks,
        secret: Secret?
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.run = run
        self.maxBudget = maxBudget ?? run.budget
        self.maxConcurrentTicks = maxConcurrentTicks
        self.secret = secret
    }

    /// What is wrong with this configuration, as one sentence naming the flag, or `nil` when it is usable.
    public func problem() -> String? {
        do {
            try run.validate()
        } catch {
            return error.description
        }
        guard maxBudget >= run.budget else { return "--max-budget must be at least --budget" }
        guard maxBudget <= .seconds(3600) else { return "--max-budget must be at most 3600 s" }
        guard (0...65535).contains(port) else { return "--port must be from 0 to 65535" }
        guard !host.isEmpty else { return "--host must not be empty" }
        guard path.hasPrefix("/"), path.utf8.count <= 512 else { return "--path must start with / and be at most 512 characters" }
        guard !path.contains("?"), !path.contains("#"), !path.contains(" ") else { return "--path must be a plain path (no ?, # or spaces)" }
        guard path != Self.healthPath, path != MonitorConfiguration.metricsPath else {
            return "--path must not be \(Self.healthPath) or \(MonitorConfiguration.metricsPath)"
        }
        guard (1...1000).contains(maxConcurrentTicks) else { return "--max-concurrent-ticks must be from 1 to 1000" }
        if let secret, secret.isEmpty { return "CRON_SECRET is empty" }
        return nil
    }
}
