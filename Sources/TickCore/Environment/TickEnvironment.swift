import Logging

/// The composition root: builds the queue, the handler registry, the schedules and the PostgreSQL connector
/// from the environment and the config file, the same way for `tick`, `tick-serve` and your own package.
///
/// ```swift
/// let environment = TickEnvironment()
/// let runner = try environment.runner(prefix: environment.prefix(nil), config: nil, logger: logger)
/// let report = await runner.run(RunOptions())
/// ```
///
/// Everything is read and checked when asked for, before anything is claimed: a missing or malformed variable
/// or config file is a ``TickError`` with exit code 78.
public struct TickEnvironment: Sendable {
    /// The process environment (or a test's own).
    public let variables: [String: String]

    /// Wraps an environment.
    /// - Parameter variables: where `UPSTASH_REDIS_REST_URL`, `UPSTASH_REDIS_REST_TOKEN`, `DATABASE_URL`,
    ///   `TICK_PREFIX`, `TICK_CONFIG` and `CRON_SECRET` are read; the process's by default.
    public init(_ variables: [String: String] = ProcessEnvironment.variables) { self.variables = variables }

    /// The Redis key prefix: the flag, else `TICK_PREFIX`, else `tick`.
    public func prefix(_ flag: String?) -> String { flag ?? variables["TICK_PREFIX"] ?? "tick" }

    /// `CRON_SECRET`, if set and not empty.
    public var cronSecret: Secret? { variables["CRON_SECRET"].flatMap { $0.isEmpty ? nil : Secret($0) } }

    /// A client of the Upstash REST endpoint (one connection; requests serialised).
    public func redis() throws(UpstashError) -> UpstashClient {
        try UpstashClient(configuration: UpstashConfiguration(environment: variables))
    }

    /// The queue under `prefix`.
    public func queue(prefix: String) throws(UpstashError) -> JobQueue {
        JobQueue(client: try redis(), prefix: prefix)
    }

    /// The handler config file: `path`, else `TICK_CONFIG`, else `./tick.json` if it exists.
    public func configFile(_ path: String?) throws(ConfigFileError) -> TickConfigFile? {
        try TickConfigFile.standard(configPath: path, environment: variables)
    }

    /// The built-in handlers and those of `file`; `http` handlers count their rates under `queue`'s prefix.
    public func registry(_ file: TickConfigFile?, queue: JobQueue?) -> HandlerRegistry {
        HandlerRegistry.standard(config: file, environment: variables, queue: queue)
    }

    /// A PostgreSQL connector: reads `DATABASE_URL` now (a bad value is a config error before any job is
    /// claimed) and connects only when called. libpq counts `connect_timeout` in whole seconds and raises
    /// anything below 2 s to 2 s, so a shorter timeout is rounded up to 2 s here, the one place it happens.
    /// - Parameter applicationName: `application_name` of the connections, if not `DATABASE_URL`'s.
    public func postgresConnector(applicationName: String? = nil) throws(PostgresError) -> @Sendable (Duration) throws(PostgresError) -> PostgresConnection {
        let base = try PostgresConfiguration(environment: variables, applicationName: applicationName ?? PostgresConfiguration.defaultApplicationName)
        return { timeout throws(PostgresError) in
            let configuration = try PostgresConfiguration(
                conninfo: base.conninfo, variableName: base.variableName, connectTimeout: max(PostgresConfiguration.minimumConnectTimeout, timeout),
                applicationName: base.applicationName)
            return try PostgresConnection(configuration: configuration)
        }
    }

    /// A runner: queue under `prefix`, handlers and schedules of the config file, PostgreSQL checkpoints.
    /// - Parameters:
    ///   - prefix: the Redis key prefix.
    ///   - config: the config file named by a flag, if any.
    ///   - logger: where runs log.
    ///   - applicationName: `application_name` of the PostgreSQL connections.
    ///   - cache: keeps one PostgreSQL connection across this process's runs (`tick drain`).
    /// - Throws: a ``TickError`` (``UpstashError``, ``ConfigFileError``, ``PostgresError``; exit code 78),
    ///   also when a handler cannot run (``TickConfigFile/checkHandlers(environment:)``), before any Redis
    ///   request.
    public func runner(
        prefix: String, config: String?, logger: Logger, applicationName: String? = nil, cache: PostgresConnectionCache? = nil
    ) throws -> TickRunner {
        var queue = try queue(prefix: prefix)
        let file = try configFile(config)
        queue.retention = file?.retention ?? Retention()
        // Logged first, so a run that stops at a handler check still says which file it read.
        logConfigFile(file, logger: logger)
        try file?.checkHandlers(environment: variables)
        let connector = try postgresConnector(applicationName: applicationName)
        var checkpoints: PostgresCheckpoints
        if let cache {
            checkpoints = PostgresCheckpoints(connect: { timeout throws(PostgresError) in try cache.connect(timeout: timeout) }, release: { cache.release($0) })
        } else {
            checkpoints = PostgresCheckpoints(connect: connector)
        }
        checkpoints.notifyChannel = file?.notifyChannel
        var runner = TickRunner(queue: queue, checkpoints: checkpoints, registry: registry(file, queue: queue), schedules: file?.schedules ?? [], logger: logger)
        runner.retention = file?.retention ?? Retention()
        runner.limits = file?.limits ?? FlowLimits()
        if let sinks = file?.alerts, !sinks.isEmpty { runner.alerts = AlertDispatcher(sinks: sinks) }
        return runner
    }

    /// Logs, once, which config file was read (info) and each unknown top-level key in it (warning).
    func logConfigFile(_ file: TickConfigFile?, logger: Logger) {
        guard let file else {
            logger.info("config file read", metadata: ["config.path": "none: only built-in handlers"])
            return
        }
        let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
        let absolute = file.path.hasPrefix("/") ? file.path : (file.folder == "/" ? "/" : file.folder + "/") + name
        logger.info("config file read", metadata: ["config.path": "\(absolute)", "config.handlers": "\(file.handlers.count)"])
        for warning in file.warnings {
            var metadata: Logger.Metadata = ["config.path": "\(absolute)", "config.key": "\(warning.key)"]
            if let suggestion = warning.suggestion { metadata["config.suggestion"] = "\(suggestion)" }
            logger.warning("\(warning.description)", metadata: metadata)
        }
    }
}
