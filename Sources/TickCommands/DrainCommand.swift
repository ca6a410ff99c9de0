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

    func validate() throws {
        try FlagRange.check(maxRuns, 1...100_000_000, flag: "--max-runs")
        try FlagRange.check(maxSeconds, 0...31_536_000, flag: "--max-seconds", unit: "seconds")
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let options = try runOptions.options(trigger: .drain)
            let services = TickEnvironment()
            let cache = PostgresConnectionCache(open: try services.postgresConnector())
            defer { cache.close() }
            var (runner, logger) = try RunCommand.makeRunner(
                global: global, queueOptions: queueOptions, config: runOptions.config, label: "tick.drain", cache: cache)
            let progress = ProgressLine.onTerminal(label: "drain")
            runner.observer = progress?.observer
            let maxRuns = self.maxRuns
            let maxSeconds = self.maxSeconds
            let drainer = runner
            let totals = await RunCommand.withSignalsCancelling(logger: logger) {
                await Self.drain(runner: drainer, options: options, maxRuns: maxRuns, maxSeconds: maxSeconds)
            }
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

    static func drain(runner: TickRunner, options: RunOptions, maxRuns: Int?, maxSeconds: Double?) async -> Totals {
        let clock = ContinuousClock()
        let start = clock.now
        var totals = Totals()
        while true {
            if let maxRuns, totals.runs >= maxRuns {
                totals.stopReason = "max_runs"
                break
            }
            if let maxSeconds, start.duration(to: clock.now) >= .milliseconds(Int64(maxSeconds * 1000)) {
                totals.stopReason = "max_seconds"
                break
            }
            let report = await runner.run(options)
            totals.seconds = start.duration(to: clock.now).milliseconds / 1000
            if report.claimed > 0 || report.exitCode != 0 {
                totals.add(report)
            } else {  // the final, idle run: no run of work, but its request counts
                totals.redisRequests += report.redisRequests
                totals.redisCommands += report.redisCommands
            }
            if report.exitCode != 0 {
                totals.exitCode = report.exitCode
                totals.stopReason = report.exitReason.rawValue
                break
            }
            if report.claimed == 0 { break }
        }
        return totals
    }
}

/// Writes text to stderr unbuffered (progress lines).
func writeStderr(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
