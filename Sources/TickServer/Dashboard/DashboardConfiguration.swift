import TickCore

/// Where the dashboard is served and who may use it (docs/dashboard.md).
///
/// The dashboard has credentials of its own, never `CRON_SECRET`: `TICK_DASHBOARD_TOKEN` opens it read-only,
/// `TICK_DASHBOARD_ADMIN_TOKEN` also allows actions (retry and purge dead letters, cancel a job). With neither set the
/// dashboard does not exist: every path under it answers 404, as any unknown path does.
public struct DashboardConfiguration: Sendable {
    /// Default path: `/dashboard`.
    public static let defaultPath = "/dashboard"
    /// Shortest accepted token: 16 characters (`openssl rand -hex 24` makes 48).
    public static let minimumTokenLength = 16
    /// Default age past which the overview shows the last run in red: 180 s (three missed one-minute ticks).
    public static let defaultMaxSilenceSeconds = 180.0
    /// How long a login lasts: 12 hours.
    public static let defaultSessionLifetime: Duration = .seconds(12 * 3600)

    /// The path every dashboard page is under, e.g. `/dashboard`.
    public var path: String
    /// `TICK_DASHBOARD_TOKEN`: logs in read-only.
    public var readToken: Secret?
    /// `TICK_DASHBOARD_ADMIN_TOKEN`: logs in with actions allowed.
    public var adminToken: Secret?
    /// How long a session cookie is valid after login.
    public var sessionLifetime: Duration
    /// Minutes between cron runs, for the projection of Upstash commands a month (docs/cost.md).
    public var cadenceMinutes: Double
    /// `TICK_DASHBOARD_MAX_SILENCE`: seconds since the last run past which the overview shows it in red.
    public var maxSilenceSeconds: Double = DashboardConfiguration.defaultMaxSilenceSeconds

    /// Makes a configuration.
    /// - Parameters:
    ///   - path: the path pages are served under. Defaults to ``defaultPath``.
    ///   - readToken: the read-only token, or `nil`.
    ///   - adminToken: the admin token, or `nil`.
    ///   - sessionLifetime: how long a login lasts. Defaults to ``defaultSessionLifetime``.
    ///   - cadenceMinutes: minutes between cron runs, for the cost projection. Defaults to 1.
    public init(
        path: String = DashboardConfiguration.defaultPath, readToken: Secret?, adminToken: Secret?,
        sessionLifetime: Duration = DashboardConfiguration.defaultSessionLifetime, cadenceMinutes: Double = 1
    ) {
        self.path = path
        self.readToken = readToken
        self.adminToken = adminToken
        self.sessionLifetime = sessionLifetime
        self.cadenceMinutes = cadenceMinutes
    }

    /// Reads `TICK_DASHBOARD_TOKEN`, `TICK_DASHBOARD_ADMIN_TOKEN` (empty counts as unset) and `TICK_DASHBOARD_MAX_SILENCE`
    /// (seconds; unset or empty: ``defaultMaxSilenceSeconds``; not a number: reported by ``problem(cronSecret:tickPath:)``).
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - path: `--dashboard-path`.
    ///   - cadenceMinutes: `--dashboard-cadence`.
    public init(environment: [String: String], path: String = DashboardConfiguration.defaultPath, cadenceMinutes: Double = 1) {
        func secret(_ name: String) -> Secret? { environment[name].flatMap { $0.isEmpty ? nil : Secret($0) } }
        self.init(path: path, readToken: secret("TICK_DASHBOARD_TOKEN"), adminToken: secret("TICK_DASHBOARD_ADMIN_TOKEN"), cadenceMinutes: cadenceMinutes)
        if let raw = environment["TICK_DASHBOARD_MAX_SILENCE"], !raw.isEmpty { maxSilenceSeconds = Double(raw) ?? .nan }
    }

    /// Whether any dashboard token is configured; without one the dashboard answers 404.
    public var isEnabled: Bool { readToken != nil || adminToken != nil }

    /// What is wrong with this configuration, as one sentence naming the variable or flag, or `nil`.
    /// - Parameters:
    ///   - cronSecret: the tick endpoint's secret, which no dashboard token may equal.
    ///   - tickPath: the tick endpoint's path, which the dashboard must not overlap.
    public func problem(cronSecret: Secret?, tickPath: String) -> String? {
        guard path.hasPrefix("/"), path.count > 1, !path.hasSuffix("/"), path.utf8.count <= 128 else {
            return "--dashboard-path must start with /, not end with /, and be at most 128 characters (e.g. /dashboard)"
        }
        // `*`, `:`, `{` and `}` would be patterns (wildcards, captures) to the router the dashboard is mounted on.
        let reserved = Set("?#*:{}".utf8)
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !reserved.contains($0) }) else {
            return "--dashboard-path must be a plain path (printable ASCII, no spaces and none of ? # * : { })"
        }
        guard path != ServeConfiguration.healthPath, path != MonitorConfiguration.metricsPath, tickPath != path, !tickPath.hasPrefix(path + "/") else {
            return "--dashboard-path \(path) overlaps the tick endpoint, /healthz or /metrics: choose another path"
        }
        guard maxSilenceSeconds >= 1, maxSilenceSeconds <= 7 * 86_400 else {
            return "TICK_DASHBOARD_MAX_SILENCE must be a number of seconds from 1 to 604800 (default 180)"
        }
        guard maxSilenceSeconds >= 1, maxSilenceSeconds <= 7 * 86_400 else {
            return "TICK_DASHBOARD_MAX_SILENCE must be a number of seconds from 1 to 604800 (default 180)"
        }
        guard cadenceMinutes >= 1.0 / 60, cadenceMinutes <= 1440 else { return "--dashboard-cadence must be from 1/60 to 1440 minutes" }
        for (name, token) in [("TICK_DASHBOARD_TOKEN", readToken), ("TICK_DASHBOARD_ADMIN_TOKEN", adminToken)] {
            guard let token else { continue }
            if token.revealed.count < Self.minimumTokenLength {
                return "\(name) is shorter than \(Self.minimumTokenLength) characters: use a random one, e.g. `openssl rand -hex 24`"
            }
            if let cronSecret, cronSecret.revealed == token.revealed {
                return "\(name) equals CRON_SECRET: the dashboard needs a credential of its own (e.g. `openssl rand -hex 24`)"
            }
        }
        if let readToken, let adminToken, readToken.revealed == adminToken.revealed {
            return "TICK_DASHBOARD_TOKEN equals TICK_DASHBOARD_ADMIN_TOKEN: give the read-only and the admin credential different values"
        }
        return nil
    }
}
