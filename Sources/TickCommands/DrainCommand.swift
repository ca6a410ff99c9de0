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

    func validate() throws {
        try FlagRange.check(maxRuns, 1...100_000_000, flag: "--max-runs")
        try FlagRange.check(maxSeconds, 0...31_536_000, flag: "--max-seconds", unit: "seconds")
        try FlagRange.check(maxBatch, 1...1000, flag: "--max-batch")
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
            let maxBatch = self.maxBatch ?? min(1000, options.batch * 10)
            let drainer = runner
            let totals = await RunCommand.withSignalsCancelling(logger: logger) {
                await Self.drain(runner: drainer, options: options, maxRuns: maxRuns, maxSeconds: maxSeconds, maxBatch: maxBatch)
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

    /// Runs one run after another. Each run's acknowledgement also claims the next run's batch (one round trip per
    /// run), each run's end is recorded while the next run starts (``TickRunner/link(_:chain:)``), and the batch grows
    /// while the backlog is deep (``BatchGrowth``); a batch claimed for a run that does not happen (a limit reached, a
    /// signal) is handed back at once, its attempts not counted.
    static func drain(runner: TickRunner, options: RunOptions, maxRuns: Int?, maxSeconds: Double?, maxBatch: Int) async -> Totals {
        await withTaskGroup(of: Void.self) { endings in
            await drain(runner: runner, options: options, maxRuns: maxRuns, maxSeconds: maxSeconds, maxBatch: maxBatch, endings: &endings)
        }
    }

    /// The drain's loop; `endings` runs each run's ``RunEnding``, one at a time, beside the next run.
    private static func drain(
        runner: TickRunner, options: RunOptions, maxRuns: Int?, maxSeconds: Double?, maxBatch: Int, endings: inout TaskGroup<Void>
    ) async -> Totals {
        let clock = ContinuousClock()
        let start = clock.now
        var totals = Totals()
        var growth = BatchGrowth(floor: options.batch, ceiling: maxBatch)
        var held: JobQueue.Claim?
        var asked = options.batch  // what the claim of the run about to start asked for
        func outOfTime() -> Bool { maxSeconds.map { start.duration(to: clock.now) >= .milliseconds(Int64($0 * 1000)) } ?? false }
        while true {
            if let maxRuns, totals.runs >= maxRuns {
                totals.stopReason = "max_runs"
                break
            }
            if outOfTime() {
                totals.stopReason = "max_seconds"
                break
            }
            let last = maxRuns.map { totals.runs + 1 >= $0 } ?? false
            var runOptions = options
            runOptions.batch = growth.batch
            if held == nil { asked = growth.batch }
            let nextAsk = growth.batch
            let link = await runner.link(runOptions, chain: .init(claimed: held, nextBatch: last ? nil : nextAsk))
            let (report, next) = (link.report, link.next)
            // The previous run's end was recorded while this run started; this run's is recorded while the next starts.
            await endings.next()
            if let ending = link.ending { endings.addTask { await ending.run() } }
            // Whatever stops the drain below, a batch claimed for the next run is held, and handed back after the loop.
            held = try? next?.get()
            totals.seconds = start.duration(to: clock.now).milliseconds / 1000
            if report.claimed > 0 || report.exitCode != 0 {
                totals.add(report)
            } else {  // the final, idle run: no run of work, but its request (if it made one) counts
                totals.redisRequests += report.redisRequests
                totals.redisCommands += report.redisCommands
            }
            if report.exitCode != 0 {
                totals.exitCode = report.exitCode
                totals.stopReason = report.exitReason.rawValue
                break
            }
            if case .failure(let error)? = next {
                let reason = RunExitReason(redisFailure: error)
                runner.logger.error("run stopped", metadata: ["reason": "\(reason.rawValue)", "error": "\(error.description)"])
                totals.exitCode = Int(error.exitCode.rawValue)
                totals.stopReason = reason.rawValue
                break
            }
            if report.claimed == 0 || Task.isCancelled { break }
            if let held {
                let bytes = held.jobs.reduce(0) { $0 + $1.json.count } / max(1, held.jobs.count)
                growth.learn(
                    asked: asked, claimed: report.claimed, reason: report.exitReason, duration: .milliseconds(report.durationMilliseconds),
                    budget: options.budget, bytesPerJob: bytes, readyLeft: held.readyLeft)
                asked = nextAsk
            }
        }
        if let held, !held.jobs.isEmpty { await handBack(held, runner: runner) }
        return totals
    }

    /// Hands back a batch claimed for a run that did not happen (attempts not counted), in one request.
    private static func handBack(_ claim: JobQueue.Claim, runner: TickRunner) async {
        let releases = claim.jobs.map { JobQueue.Acknowledgement(job: $0, outcome: .release) }
        do {
            _ = try await runner.queue.acknowledge(
                releases, tally: JobQueue.RunTally(), nowMilliseconds: runner.clock.unixMilliseconds, deadline: ContinuousClock.now.advanced(by: .seconds(10)))
            runner.logger.debug("handed back the batch claimed for a run that did not happen", metadata: ["jobs": "\(releases.count)"])
        } catch {
            runner.logger.warning(
                "could not hand back the batch claimed for the next run: its leases expire and a later run takes the jobs", metadata: ["jobs": "\(releases.count)", "error": "\(error.description)"])
        }
    }
}

/// Writes text to stderr unbuffered (progress lines).
func writeStderr(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
