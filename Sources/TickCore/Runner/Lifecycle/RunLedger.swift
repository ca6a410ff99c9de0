import Logging

/// The run's clock readings and its report in progress: every lifecycle step adds to it, and it ends the
/// run (``finish()``, ``fail(_:reason:)``) with the Redis usage and duration filled in.
struct RunLedger {
    let options: RunOptions
    let clock: any TickClock
    let queue: any JobQueueing
    let logger: Logger
    let start: ContinuousClock.Instant
    /// No item runs past this instant: the budget less the reserve kept to commit and acknowledge.
    let workDeadline: ContinuousClock.Instant
    /// The end of the budget: the acknowledgement gives up by then.
    let budgetEnd: ContinuousClock.Instant
    /// Counts the run's own Redis requests (``RedisUsageMeter/current`` while its steps run).
    let meter = RedisUsageMeter()
    var report: RunReport
    /// Told of the run's progress (``TickRunner/observer``).
    var observer: RunObserver?
    /// Alert events waiting in the outbox, as the claim and the acknowledgement handed them back (JSON).
    var alertEvents: Set<String> = []
    /// The next run's claim, made in the same request as this run's acknowledgement (`tick drain`), or `nil`.
    var nextClaim: Result<JobQueue.Claim, UpstashError>?

    init(options: RunOptions, clock: any TickClock, queue: any JobQueueing, logger: Logger) {
        self.options = options
        self.clock = clock
        self.queue = queue
        self.logger = logger
        start = clock.now
        workDeadline = start.advanced(by: options.budget - options.reserve)
        budgetEnd = start.advanced(by: options.budget)
        report = RunReport(
            trigger: options.trigger, startedAtUnixMilliseconds: clock.unixMilliseconds, budgetMilliseconds: Int(options.budget.milliseconds))
    }

    /// The run's own Redis usage so far.
    func usage() -> RedisUsage { meter.usage }

    /// The report with the run's Redis usage and duration.
    func finish() -> RunReport {
        var report = self.report
        let usage = meter.usage
        report.redisRequests = usage.requests
        report.redisCommands = usage.commands
        report.redisBytesSent = usage.bytesSent
        report.redisBytesReceived = usage.bytesReceived
        report.durationMilliseconds = Int(start.duration(to: clock.now).milliseconds)
        return report
    }

    /// Ends the run early because of `error`: its exit code and message go in the report.
    mutating func fail(_ error: any TickError, reason: RunExitReason) -> RunReport {
        report.exitReason = reason
        report.exitCode = Int(error.exitCode.rawValue)
        report.error = error.description
        logger.error("run stopped", metadata: ["reason": "\(reason.rawValue)", "error": "\(error.description)"])
        return finish()
    }

    /// Hands jobs back at once (attempts not counted) in one request; counts those released.
    mutating func handBack(_ jobs: [JobQueue.ClaimedJob]) async {
        let acknowledgements = jobs.map { JobQueue.Acknowledgement(job: $0, outcome: .release) }
        if let answer = try? await queue.acknowledge(acknowledgements, tally: JobQueue.RunTally(), nowMilliseconds: clock.unixMilliseconds, deadline: budgetEnd) {
            report.jobsReleased += answer.applied.filter { $0 }.count
            logger.debug("handed back", metadata: ["jobs": "\(jobs.count)", "released": "\(answer.applied.filter { $0 }.count)"])
        } else {
            logger.debug("hand-back failed: the leases expire and the next claim takes the jobs back", metadata: ["jobs": "\(jobs.count)"])
        }
    }
}
