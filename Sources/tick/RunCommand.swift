import ArgumentParser
import Logging
import TickCore

/// `tick run`: one run. What cron calls every minute.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Claim a batch of jobs, work through their items within the budget, record progress, exit.",
        discussion: """
            Prints one JSON summary line on stdout; logs go to stderr. An idle run (nothing ready) costs one \
            Redis request and opens no PostgreSQL connection.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var runOptions: RunFlags

    func run() async throws {
        try await reportingErrors {
            let options = try runOptions.options(trigger: "cron")
            let report = try await Self.runOnce(options: options, global: global, queueOptions: queueOptions, config: runOptions.config)
            print(report.jsonLine)
            if report.exitCode != 0 { throw ExitCode(Int32(report.exitCode)) }
        }
    }

    /// Builds a runner from the environment and config, runs once with signal handling, returns the report.
    static func runOnce(options: RunOptions, global: GlobalOptions, queueOptions: QueueOptions, config: String?) async throws -> RunReport {
        let (runner, logger) = try makeRunner(global: global, queueOptions: queueOptions, config: config, label: "tick.run")
        return await withSignalsCancelling(logger: logger) { await runner.run(options) }
    }

    /// A runner built from the environment (checked now, before anything is claimed) and the config file.
    /// With a `cache`, the runs of this process share one PostgreSQL connection (`tick drain`).
    static func makeRunner(
        global: GlobalOptions, queueOptions: QueueOptions, config: String?, label: String, cache: PostgresConnectionCache? = nil
    ) throws -> (TickRunner, Logger) {
        let services = Services()
        let logger = global.makeLogger(label)
        let queue = try services.queue(prefix: queueOptions.resolvedPrefix(services.environment))
        let file = try TickConfigFile.standard(configPath: config, environment: services.environment)
        let registry = HandlerRegistry.standard(config: file, environment: services.environment, queue: queue)
        let schedules = file?.schedules ?? []
        let connector = try services.postgresConnector()
        guard let cache else { return (TickRunner(queue: queue, registry: registry, logger: logger, schedules: schedules, connect: connector), logger) }
        let runner = TickRunner(queue: queue, registry: registry, logger: logger, schedules: schedules, release: { cache.release($0) }) { timeout throws(PostgresError) in
            try cache.connect(timeout: timeout)
        }
        return (runner, logger)
    }

    /// Runs `body` in a task that SIGTERM and SIGINT cancel: the run then commits, hands its work back, and ends.
    static func withSignalsCancelling<T: Sendable>(logger: Logger, _ body: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await body() }
        let trap = SignalTrap { number in
            logger.notice("signal received: finishing in-flight work and handing the rest back", metadata: ["signal": "\(number)"])
            task.cancel()
        }
        let value = await task.value
        withExtendedLifetime(trap) {}
        return value
    }
}

/// Flags shared by `run` and `drain`.
struct RunFlags: ParsableArguments {
    @Option(name: .long, help: "Queue to claim from; repeat for several, in priority order.")
    var queue: [String] = []
    @Option(name: .long, help: "Jobs claimed at most per run.")
    var batch: Int = RunOptions.defaultBatch
    @Option(name: .long, help: "Items in flight at once.")
    var concurrency: Int = RunOptions.defaultConcurrency
    @Option(name: .long, help: "Seconds the whole run may take, start to exit.")
    var budget: Double = RunOptions.defaultBudget.milliseconds / 1000
    @Option(name: .long, help: "Seconds a lease outlives the budget (also the tolerated clock skew between machines).")
    var leaseMargin: Double = 30
    @Option(name: .long, help: "Handler config file (TICK_CONFIG; default tick.json if it exists).")
    var config: String?

    func options(trigger: String) throws -> RunOptions {
        var options = RunOptions()
        if !queue.isEmpty { options.queues = queue }
        options.batch = batch
        options.concurrency = concurrency
        options.budget = .milliseconds(Int64(budget * 1000))
        options.leaseMargin = .milliseconds(Int64(leaseMargin * 1000))
        options.trigger = trigger
        try options.validate()
        return options
    }
}
