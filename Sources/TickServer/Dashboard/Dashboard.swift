import Logging
import TickCore

/// The dashboard `tick serve` serves under ``DashboardConfiguration/path``: its configuration and the
/// connections its pages use (Redis clients of its own, one kept PostgreSQL connection). Built by
/// ``TickCore/TickEnvironment/dashboard(_:prefix:config:)`` and handed to ``CronServer``.
public struct Dashboard: Sendable {
    /// Path, tokens, cadence.
    public let configuration: DashboardConfiguration
    let redis: DashboardRedis
    let store: DashboardStore
    let schedules: [Schedule]

    /// Makes a dashboard over explicit connections.
    /// - Parameters:
    ///   - configuration: path, tokens and cadence.
    ///   - upstash: the Redis REST endpoint and token (the same as the ticks').
    ///   - prefix: the key prefix.
    ///   - postgres: the database the runs record into.
    ///   - schedules: the config's schedules, for the schedules page.
    public init(configuration: DashboardConfiguration, upstash: UpstashConfiguration, prefix: String, postgres: PostgresConfiguration, schedules: [Schedule]) {
        self.configuration = configuration
        redis = DashboardRedis(configuration: upstash, prefix: prefix)
        store = DashboardStore(
            connections: PostgresConnectionCache { timeout throws(PostgresError) in
                try PostgresConnection(
                    configuration: PostgresConfiguration(
                        conninfo: postgres.conninfo, variableName: postgres.variableName, connectTimeout: timeout, applicationName: "tick-dashboard"))
            })
        self.schedules = schedules
    }

    /// The dashboard's router, to mount behind ``CronResponder``.
    func mount(batch: Int, logger: Logger) -> DashboardMount {
        DashboardMount(
            responder: DashboardResponder(
                configuration: configuration, authenticator: DashboardAuthenticator(configuration: configuration), redis: redis, store: store,
                schedules: schedules, batch: batch, logger: logger))
    }
}

extension TickEnvironment {
    /// The dashboard from `TICK_DASHBOARD_TOKEN` / `TICK_DASHBOARD_ADMIN_TOKEN`, or `nil` when neither is set
    /// (the dashboard then answers 404, as any unknown path).
    /// - Parameters:
    ///   - configuration: path, tokens and cadence (``DashboardConfiguration/init(environment:path:cadenceMinutes:)``).
    ///   - prefix: the Redis key prefix.
    ///   - config: the config file named by `--config`, for its schedules.
    /// - Throws: a ``TickCore/TickError`` (exit code 78) for a missing or malformed variable or config file.
    public func dashboard(_ configuration: DashboardConfiguration, prefix: String, config: String?) throws -> Dashboard? {
        guard configuration.isEnabled else { return nil }
        let file = try TickConfigFile.standard(configPath: config, environment: variables)
        return Dashboard(
            configuration: configuration, upstash: try UpstashConfiguration(environment: variables), prefix: prefix,
            postgres: try PostgresConfiguration(environment: variables, applicationName: "tick-dashboard"), schedules: file?.schedules ?? [])
    }
}
