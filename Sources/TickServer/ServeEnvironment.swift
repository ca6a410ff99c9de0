import Logging
import TickCore

/// Builds the runner `tick-serve` uses from the environment and the handler config, exactly as `tick run`
/// does (same variables, same built-in handlers, same config file rules), so a job behaves the same
/// whichever way its tick was started.
///
/// Everything is read and checked now, at start-up: a missing or malformed variable or config file is a
/// ``TickCore/TickError`` with exit code 78, before the server listens.
public struct ServeEnvironment: Sendable {
    /// The process environment (or a test's own).
    public let variables: [String: String]

    /// Wraps an environment.
    /// - Parameter variables: the environment to read `UPSTASH_REDIS_REST_URL`, `UPSTASH_REDIS_REST_TOKEN`,
    ///   `DATABASE_URL`, `TICK_PREFIX`, `TICK_CONFIG` and `CRON_SECRET` from.
    public init(_ variables: [String: String]) { self.variables = variables }

    /// `CRON_SECRET`, if set and not empty.
    public var cronSecret: Secret? { variables["CRON_SECRET"].flatMap { $0.isEmpty ? nil : Secret($0) } }

    /// The Redis key prefix: `--prefix`, else `TICK_PREFIX`, else `tick`.
    public func prefix(_ flag: String?) -> String { flag ?? variables["TICK_PREFIX"] ?? "tick" }

    /// The runner every request shares: one Upstash client (one connection, requests serialised), and a
    /// PostgreSQL connector each run calls when it has claimed jobs.
    /// - Parameters:
    ///   - prefix: the Redis key prefix.
    ///   - config: the handler config file named by `--config`, if any.
    ///   - logger: where runs log.
    /// - Throws: a ``TickCore/TickError`` (exit code 78) for a missing or malformed variable or config file.
    public func runner(prefix: String, config: String?, logger: Logger) throws -> TickRunner {
        let queue = JobQueue(client: try UpstashClient(configuration: UpstashConfiguration(environment: variables)), prefix: prefix)
        let file = try TickConfigFile.standard(configPath: config, environment: variables)
        let registry = HandlerRegistry.standard(config: file, environment: variables, queue: queue)
        let base = try PostgresConfiguration(environment: variables, applicationName: "tick-serve")
        return TickRunner(queue: queue, registry: registry, logger: logger, schedules: file?.schedules ?? []) { timeout throws(PostgresError) in
            let configuration = try PostgresConfiguration(
                conninfo: base.conninfo, variableName: base.variableName, connectTimeout: max(.seconds(2), timeout),
                applicationName: base.applicationName)
            return try PostgresConnection(configuration: configuration)
        }
    }
}
