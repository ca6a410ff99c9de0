import Logging

/// One run: claim a bounded batch, work through the items within the budget, record every finished item
/// in PostgreSQL, hand back what is unfinished, acknowledge the batch in one request, exit.
///
/// The run is a sequence of named steps, each in its own file under `Lifecycle/` (docs/architecture.md):
/// claim → start → execute → complete → commit → acknowledge → report.
///
/// Round trips of a run that claims jobs: Redis 2 (claim, acknowledge; 1 for a run of a drain, whose acknowledgement
/// carries the next run's claim, see ``Chain``); PostgreSQL: connect (a drain keeps its connections), start the run
/// and load its checkpoints (one statement), one commit per group-commit window (in flight while items go on), the
/// final commit, record the run (beside the next run in a drain, ``link(_:chain:)``). An idle run (nothing ready) is
/// one Redis request and opens no PostgreSQL connection, so it writes no runs row.
public struct TickRunner: Sendable {
    /// The queue the run claims from and acknowledges to (a drain's further runs in flight each have their own
    /// connection to it, ``JobQueueing/overOwnConnection()``).
    public var queue: any JobQueueing
    /// Opens the run's checkpoint store (only when jobs were claimed) and takes it back after.
    public let checkpoints: any CheckpointConnecting
    /// The handlers jobs may name.
    public let registry: HandlerRegistry
    /// Recurring jobs: each run enqueues their due slots inside its claim request (no extra request).
    public let schedules: [Schedule]
    /// The clocks the run reads.
    public let clock: any TickClock
    /// Where alerts go (tick.json's `alerts`); `nil` for none. With sinks for `job.dead` or `run.failed`, the claim
    /// and the acknowledgement keep and hand back pending events, and the run delivers them after its work.
    public var alerts: AlertDispatcher?
    /// Per-key concurrency and rate limits the claim enforces (tick.json `"limits"`); none by default.
    public var limits = FlowLimits()
    /// What runs prune after their acknowledgement (`nil`: nothing; `tick prune` does it by hand).
    public var retention: Retention?
    /// Runs that claimed work prune once every this many (by run id): every one by default.
    public var pruneEveryRuns = TickRunner.defaultPruneEveryRuns
    /// Rows of each kind one automatic prune removes at most.
    public var pruneLimit = TickRunner.defaultPruneLimit

    /// Every run that claimed work: one statement after its row, a few milliseconds.
    public static let defaultPruneEveryRuns = 1
    /// 50 rows of each kind: measured at a median of 3 ms on loopback with 50,000 finished jobs (StorageTests),
    /// against 27 ms for 500. At one run a minute that is 72,000 jobs a day, five times what such a run can finish.
    public static let defaultPruneLimit = 50
    /// Where the run logs.
    public let logger: Logger
    /// Told of claims, finished items and finished jobs as they happen (live progress); `nil` by default.
    public var observer: RunObserver?

    /// Makes a runner from its seams.
    /// - Parameters:
    ///   - queue: the queue (``JobQueue`` in production).
    ///   - checkpoints: the checkpoint store's connector (``PostgresCheckpoints`` in production).
    ///   - registry: the handlers.
    ///   - schedules: recurring jobs offered with every claim.
    ///   - clock: the clocks; the machine's by default.
    ///   - logger: where the run logs.
    public init(
        queue: any JobQueueing, checkpoints: any CheckpointConnecting, registry: HandlerRegistry, schedules: [Schedule] = [],
        clock: any TickClock = SystemClock(), logger: Logger
    ) {
        self.queue = queue
        self.checkpoints = checkpoints
        self.registry = registry
        self.schedules = schedules
        self.clock = clock
        self.logger = logger
    }

    /// Makes a runner over PostgreSQL connections opened by `connect` and given back to `release`.
    public init(
        queue: any JobQueueing, registry: HandlerRegistry, logger: Logger, schedules: [Schedule] = [],
        release: @escaping @Sendable (PostgresConnection) -> Void = { $0.close() },
        connect: @escaping @Sendable (Duration) throws(PostgresError) -> PostgresConnection
    ) {
        self.init(queue: queue, checkpoints: PostgresCheckpoints(connect: connect, release: release), registry: registry, schedules: schedules, logger: logger)
    }

    /// How `tick drain` chains its runs so that each costs one round trip to Redis instead of two: a run
    /// acknowledges its batch and claims the next run's in the same request.
    public struct Chain: Sendable {
        /// What the previous run claimed for this one with its acknowledgement; `nil`: this run claims its own.
        public var claimed: JobQueue.Claim?
        /// Claim the next run's batch, of this many jobs, with this run's acknowledgement; `nil`: do not. Not done
        /// when the run is cancelled or PostgreSQL failed (nothing must stay claimed by a drain that stops).
        public var nextBatch: Int?
        /// Taken before the run's items start and passed on once they are done, when several runs are in flight
        /// (`tick drain --runs-in-flight`); `nil`: the run works at once.
        public var baton: ExecutionBaton?

        /// A link of the chain.
        public init(claimed: JobQueue.Claim? = nil, nextBatch: Int? = nil, baton: ExecutionBaton? = nil) {
            self.claimed = claimed
            self.nextBatch = nextBatch
            self.baton = baton
        }
    }

    /// Runs once. Never throws: every outcome, failures included, is in the report (with its exit code).
    /// Cancelling the calling task (SIGTERM, SIGINT) stops the run early, as the deadline does.
    public func run(_ options: RunOptions) async -> RunReport {
        await run(options, chain: Chain()).report
    }

    /// Runs once as a link of a drain's chain; returns the report and the next run's claim when `chain` asked
    /// for one and the acknowledgement was sent (its failure is the `Result`'s).
    public func run(_ options: RunOptions, chain: Chain) async -> (report: RunReport, next: Result<JobQueue.Claim, UpstashError>?) {
        let link = await link(options, chain: chain, endsNow: true)
        return (link.report, link.next)
    }

    /// A run of a drain: what ``run(_:chain:)`` returns, and the run's ``RunEnding``.
    public struct Link: Sendable {
        /// The run's report, final: its row in `tick_runs` is what ``ending`` writes.
        public var report: RunReport
        /// The next run's claim, as in ``run(_:chain:)``.
        public var next: Result<JobQueue.Claim, UpstashError>?
        /// The run's end still to record, and its store to hand back; `nil` when the run opened no store. The caller
        /// must run it, once; `tick drain` does it while the next run starts.
        public var ending: RunEnding?
    }

    /// Runs once as a link of a drain's chain, like ``run(_:chain:)``, but leaves recording the run's end to the
    /// caller (``Link/ending``): every job of the run is acknowledged by the time it returns.
    public func link(_ options: RunOptions, chain: Chain) async -> Link {
        await link(options, chain: chain, endsNow: false)
    }

    private func link(_ options: RunOptions, chain: Chain, endsNow: Bool) async -> Link {
        var ledger = RunLedger(options: options, clock: clock, queue: queue, logger: logger)
        ledger.observer = observer
        // The run's report counts its own Redis requests, not those of other runs in flight on the same client.
        var (report, ending) = await RedisUsageMeter.$current.withValue(ledger.meter) { await lifecycle(&ledger, chain: chain) }
        if endsNow {
            await ending?.run()
            ending = nil
        }
        // 9. Alerts: what the claim and acknowledgement handed back, and this run's failure; never the run's own.
        if let alerts { await AlertStep(dispatcher: alerts, queue: queue).run(report, pending: ledger.alertEvents, ledger) }
        return Link(report: report, next: ledger.nextClaim, ending: ending)
    }

    /// Steps 1 to 7; the report they make and, when the run opened a store, steps 7 and 8 still to do.
    private func lifecycle(_ ledger: inout RunLedger, chain: Chain) async -> (RunReport, RunEnding?) {
        let options = ledger.options
        let deliversAlerts = alerts?.wants(.jobDead) == true || alerts?.wants(.runFailed) == true
        // 1. Claim: one request, unless the previous run of a drain made it.
        let claimStep = ClaimStep(queue: queue, schedules: schedules, handlers: registry.names, alerts: deliversAlerts, limits: limits)
        var claimed: JobQueue.Claim?
        if let made = chain.claimed {
            claimed = claimStep.record(made, &ledger)
        } else {
            claimed = await claimStep.run(&ledger)
        }
        guard let claim = claimed else { return (ledger.finish(), nil) }
        guard !claim.jobs.isEmpty else {
            ledger.report.exitReason = .idle
            return (ledger.finish(), nil)
        }
        // 2. Start: PostgreSQL, decode, dead-letter what cannot run, load checkpoints.
        guard let started = await StartStep(checkpoints: checkpoints, registry: registry).run(claim, &ledger) else { return (ledger.finish(), nil) }
        var keepsStore = false  // handed to the ending once the run gets that far
        defer { if !keepsStore { checkpoints.close(started.store) } }
        // 3. Execute: the items, within the budget, group-committed.
        var execution = Execution(
            jobs: started.active, store: started.store, runID: started.runID, options: options, deadline: ledger.workDeadline, clock: clock, logger: logger)
        execution.observer = observer
        // With other runs in flight, one works at a time: the wait is part of this run's budget.
        let holdsBaton = await chain.baton?.take() ?? false
        await execution.run()
        if holdsBaton { chain.baton?.pass() }
        ledger.report.firstItemMilliseconds = execution.firstItemStarted.map { ledger.start.duration(to: $0).milliseconds }
        // 4. Complete: verdicts to outcomes. 5. Commit: the final states.
        let completions = JobCompleter().run(started.active, &ledger)
        let (acknowledgements, postgresFailure) = await CommitStep().run(completions, execution: &execution, &ledger)
        // 6. Acknowledge: one request for the whole batch (with the next run's claim in a drain).
        let next = postgresFailure == nil && !Task.isCancelled ? chain.nextBatch.map { claimStep.request(ledger, batch: $0) } : nil
        guard await AcknowledgeStep(queue: queue, alerts: deliversAlerts).run(started.rejected + acknowledgements, next: next, &ledger) else {
            return (ledger.finish(), nil)
        }
        if let postgresFailure { return (ledger.fail(postgresFailure, reason: .postgresUnavailable), nil) }
        // 7. Report, and 8. retention, after the work is acknowledged and recorded: never an idle run, never before
        // the work; its first statement is the run's row's.
        let prunes = pruneEveryRuns > 0 && started.runID % Int64(pruneEveryRuns) == 0
        let report = ReportStep().conclude(stoppedEarly: execution.stoppedEarly, &ledger)
        keepsStore = true
        let ending = RunEnding(
            report: report, store: started.store, runID: started.runID, prune: retention.flatMap { prunes ? ($0, pruneLimit) : nil },
            checkpoints: checkpoints, queue: queue, logger: ledger.logger, clock: clock)
        return (report, ending)
    }
}
