import ArgumentParser
import Logging
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// `tick drain`: runs one run after another until the queue is empty, or a limit.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Run until no job is ready (or a limit), e.g. to work off a backlog by hand.",
        discussion: """
            Each run is a normal run (its own budget, claim, checkpoints and acknowledgement); drain stops when a \
            run claims nothing, a run fails, --max-runs or --max-seconds is reached, or on SIGTERM/SIGINT. Shows a \
            live progress line on a terminal and prints one JSON summary line. Delayed jobs not yet due are left.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var runOptions: RunFlags
    @Option(name: .long, help: "Stop after this many runs.")
    var maxRuns: Int?
    @Option(name: .long, help: "Stop starting runs after this many seconds.")
    var maxSeconds: Double?
    @Option(name: .long, help: "Largest batch a run may claim while the backlog is deep (default: 10 x --batch, at most 1000; --batch to never grow).")
    var maxBatch: Int?
    @Option(
        name: .long,
        help: "Runs in flight while the backlog is deep: one works its items while the next claims and starts and the one before commits (default 2; 1 for one run at a time; 3 helps a fixed --max-batch against a far Redis).")
    var runsInFlight: Int = 2

    func validate() throws {
        try FlagRange.check(maxRuns, 1...100_000_000, flag: "--max-runs")
        try FlagRange.check(maxSeconds, 0...31_536_000, flag: "--max-seconds", unit: "seconds")
        try FlagRange.check(maxBatch, 1...1000, flag: "--max-batch")
        try FlagRange.check(runsInFlight, 1...4, flag: "--runs-in-flight")
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let options = try runOptions.options(trigger: .drain)
            let services = TickEnvironment()
            // Each run in flight keeps a connection, and so does the end of the run before it.
            let cache = PostgresConnectionCache(keep: 2 * runsInFlight, open: try services.postgresConnector())
            defer { cache.close() }
            var (runner, logger) = try RunCommand.makeRunner(
                global: global, queueOptions: queueOptions, config: runOptions.config, label: "tick.drain", cache: cache)
            let progress = ProgressLine.onTerminal(label: "drain")
            runner.observer = progress?.observer
            let maxRuns = self.maxRuns
            let maxSeconds = self.maxSeconds
            let maxBatch = self.maxBatch ?? min(1000, options.batch * 10)
            let drain = Drain(runner: runner, options: options, maxRuns: maxRuns, maxSeconds: maxSeconds, maxBatch: maxBatch, runsInFlight: runsInFlight)
            let totals = await RunCommand.withSignalsCancelling(logger: logger) { await drain.run() }
            progress?.finish(totals.summaryLine)
            print(totals.json)
            if totals.exitCode != 0 { throw ExitCode(Int32(totals.exitCode)) }
        }
    }

    struct Totals: Sendable {
        var runs = 0, claimed = 0, itemsDone = 0, itemsFailed = 0, jobsCompleted = 0, jobsRetried = 0, jobsDead = 0, jobsReleased = 0
        var redisRequests = 0, redisCommands = 0, exitCode = 0, stopReason = "empty"
        var seconds = 0.0

        mutating func add(_ report: RunReport) {
            runs += 1
            claimed += report.claimed
            itemsDone += report.itemsDone
            itemsFailed += report.itemsFailed
            jobsCompleted += report.jobsCompleted
            jobsRetried += report.jobsRetried
            jobsDead += report.jobsDead
            jobsReleased += report.jobsReleased
            redisRequests += report.redisRequests
            redisCommands += report.redisCommands
        }

        var itemsPerSecond: Int { seconds > 0 ? Int(Double(itemsDone) / seconds) : 0 }

        var json: String {
            JSONValue.object([
                "runs": .integer(Int64(runs)), "claimed": .integer(Int64(claimed)), "items_done": .integer(Int64(itemsDone)),
                "items_failed": .integer(Int64(itemsFailed)), "jobs_completed": .integer(Int64(jobsCompleted)),
                "jobs_retried": .integer(Int64(jobsRetried)), "jobs_dead": .integer(Int64(jobsDead)), "jobs_released": .integer(Int64(jobsReleased)),
                "redis_requests": .integer(Int64(redisRequests)), "redis_commands": .integer(Int64(redisCommands)),
                "duration_ms": .integer(Int64(seconds * 1000)), "items_per_second": .integer(Int64(itemsPerSecond)),
                "stop_reason": .string(stopReason), "exit_code": .integer(Int64(exitCode)),
            ]).serialized
        }

        /// The final line a person sees on a terminal, in place of the progress line.
        var summaryLine: String {
            func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
            let seconds = String(Double(Int(self.seconds * 10)) / 10)
            return "drain: \(count(runs, "run")), \(count(jobsCompleted, "job")) done (\(jobsRetried) retried, \(jobsDead) dead, "
                + "\(jobsReleased) released), \(count(itemsDone, "item")) done, \(itemsFailed) failed, \(itemsPerSecond) items/s in \(seconds) s; "
                + "stopped: \(stopReason)\(exitCode == 0 ? "" : " (exit \(exitCode))")"
        }
    }
}

/// Writes text to stderr unbuffered (progress lines).
func writeStderr(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
