import TickCore

/// What `tick serve` exposes for watching it: `/healthz?max_silence=` (always) and `/metrics` (when a token is
/// set or `--metrics-no-auth` is given). docs/monitoring.md.
public struct MonitorConfiguration: Sendable {
    /// Path of the Prometheus endpoint: `/metrics`.
    public static let metricsPath = "/metrics"
    /// How long `/healthz?max_silence=` reuses one reading of the heartbeat: 5 s.
    public static let defaultHeartbeatLifetime: Duration = .seconds(5)
    /// Shortest accepted `TICK_METRICS_TOKEN`: 16 characters.
    public static let minimumTokenLength = 16
    /// Largest accepted `max_silence`: 7 days.
    public static let maximumSilenceSeconds = 7 * 86_400.0

    /// `TICK_METRICS_TOKEN`: scrapers send it as `Authorization: Bearer <token>`.
    public var metricsToken: Secret?
    /// `--metrics-no-auth`: serve `/metrics` without a token (a private network only).
    public var metricsWithoutAuth: Bool
    /// How long one heartbeat reading serves `/healthz?max_silence=`.
    public var heartbeatLifetime: Duration

    /// Makes a configuration.
    /// - Parameters:
    ///   - metricsToken: the scrapers' bearer token, or `nil`.
    ///   - metricsWithoutAuth: serve `/metrics` without a token.
    ///   - heartbeatLifetime: how long one heartbeat reading is reused. Defaults to ``defaultHeartbeatLifetime``.
    public init(metricsToken: Secret?, metricsWithoutAuth: Bool = false, heartbeatLifetime: Duration = MonitorConfiguration.defaultHeartbeatLifetime) {
        self.metricsToken = metricsToken
        self.metricsWithoutAuth = metricsWithoutAuth
        self.heartbeatLifetime = heartbeatLifetime
    }

    /// Reads `TICK_METRICS_TOKEN` (empty counts as unset).
    public init(environment: [String: String], metricsWithoutAuth: Bool) {
        self.init(metricsToken: environment["TICK_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : Secret($0) }, metricsWithoutAuth: metricsWithoutAuth)
    }

    /// Whether `/metrics` is served (else it answers 404, as any unknown path).
    public var metricsEnabled: Bool { metricsToken != nil || metricsWithoutAuth }

    /// What is wrong, as one sentence naming the variable or flag, or `nil`.
    /// - Parameter cronSecret: the tick endpoint's secret, which the metrics token must not equal.
    public func problem(cronSecret: Secret?) -> String? {
        guard let metricsToken else { return nil }
        if metricsWithoutAuth {
            return "TICK_METRICS_TOKEN is set and --metrics-no-auth is given: unset the variable or drop the flag"
        }
        if metricsToken.revealed.count < Self.minimumTokenLength {
            return "TICK_METRICS_TOKEN is shorter than \(Self.minimumTokenLength) characters: use a random one, e.g. `openssl rand -hex 24`"
        }
        if let cronSecret, cronSecret.revealed == metricsToken.revealed {
            return "TICK_METRICS_TOKEN equals CRON_SECRET: give scrapers a credential of their own (e.g. `openssl rand -hex 24`)"
        }
        return nil
    }
}
