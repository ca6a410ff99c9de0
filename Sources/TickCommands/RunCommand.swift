import ArgumentParser
import Logging
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tick run`: one run. What cron calls every minute.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        // Only read when `run` is the root, as on the cron path (CronPath): there it names the usage `tick run`
        // and skips ArgumentParser's look for `--generate-completion-script`, which CronPath leaves to the full tree.
        _superCommandName: "tick",
        abstract: "Claim a batch of jobs, work through their items within the budget, record progress, exit.",
        discussion: """
            Prints one JSON summary line on stdout; logs go to stderr. An idle run (nothing ready) costs one \
            Redis request and opens no PostgreSQL connection.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var runOptions: RunFlags
    @Option(
        name: .long,
        help: "What started this run, for the heartbeat and tick runs: cron (the default), http, manual (the default when stdin is a terminal, so a run by hand never hides a stopped cron).")
    var trigger: RunTrigger?

    func run() async throws {
        try await reportingErrors(global.color) {
            let options = try runOptions.options(trigger: trigger ?? (isatty(STDIN_FILENO) == 1 ? .manual : .cron))
            let report = try await Self.runOnce(options: options, global: global, queueOptions: queueOptions, config: runOptions.config)
            print(report.jsonLine)
            if report.exitCode != 0 { throw ExitCode(Int32(report.exitCode)) }
        }
    }

    /// Builds a runner from the environment and config, runs once with signal handling, returns the report.
    static func runOnce(options: RunOptions, global: GlobalOptions, queueOptions: QueueOptions, config: String?) async throws -> RunReport {
        var (runner, logger) = try makeRunner(global: global, queueOptions: queueOptions, config: config, label: "tick.run")
        let progress = ProgressLine.onTerminal(label: "run")
        runner.observer = progress?.observer
        let running = runner
        let report = await withSignalsCancelling(logger: logger) { await running.run(options) }
        progress?.finish(summaryLine(report))
        return report
    }

    /// The final line a person sees on a terminal: `run: 10 jobs done (…), 50 items done, 0 failed in 1.2 s; completed`.
    static func summaryLine(_ report: RunReport) -> String {
        let seconds = String(Double(report.durationMilliseconds / 100) / 10)
        return "run: \(report.claimed) claimed, \(report.jobsCompleted) jobs done (\(report.jobsRetried) retried, \(report.jobsDead) dead, "
            + "\(report.jobsReleased) released), \(report.itemsDone) items done, \(report.itemsFailed) failed in \(seconds) s; \(report.exitReason.rawValue)"
    }

    /// A runner built from the environment (checked now, before anything is claimed) and the config file, by
    /// the composition root every executable shares (``TickCore/TickEnvironment``). With a `cache`, the runs of
    /// this process share one PostgreSQL connection (`tick drain`).
    static func makeRunner(
        global: GlobalOptions, queueOptions: QueueOptions, config: String?, label: String, cache: PostgresConnectionCache? = nil
    ) throws -> (TickRunner, Logger) {
        let environment = TickEnvironment()
        let logger = global.makeLogger(label)
        let runner = try environment.runner(prefix: environment.prefix(queueOptions.prefix), config: config, logger: logger, cache: cache)
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
