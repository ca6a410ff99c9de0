import Logging

/// One run: claim a bounded batch, work through the items within the budget, record every finished item
/// in PostgreSQL, hand back what is unfinished, acknowledge the batch in one request, exit.
///
/// Round trips of a run that claims jobs: Redis 2 (claim, acknowledge); PostgreSQL: connect, start the run,
/// load checkpoints, one commit per group-commit window, the final commit, record the run. An idle run
/// (nothing ready) is one Redis request and opens no PostgreSQL connection, so it writes no runs row.
public struct TickRunner: Sendable {
    /// The queue the run claims from.
    public let queue: JobQueue
    /// The handlers jobs may name.
    public let registry: HandlerRegistry
    /// Opens the PostgreSQL connection, bounded by the given timeout (called only when jobs were claimed).
    public let connect: @Sendable (Duration) throws(PostgresError) -> PostgresConnection
    /// Called with the connection when the run is done with it. Defaults to closing it; `tick drain` keeps
    /// it for its next run (see ``PostgresConnectionCache``).
    public let release: @Sendable (PostgresConnection) -> Void
    /// Where the run logs.
    public let logger: Logger
    /// Recurring jobs: each run enqueues their due slots inside its claim request (no extra request).
    public let schedules: [Schedule]

    /// Makes a runner.
    public init(
        queue: JobQueue, registry: HandlerRegistry, logger: Logger, schedules: [Schedule] = [],
        release: @escaping @Sendable (PostgresConnection) -> Void = { $0.close() },
        connect: @escaping @Sendable (Duration) throws(PostgresError) -> PostgresConnection
    ) {
        self.schedules = schedules
        self.release = release
        self.queue = queue
        self.registry = registry
        self.connect = connect
        self.logger = logger
    }

    /// Runs once. Never throws: every outcome, failures included, is in the report (with its exit code).
    /// Cancelling the calling task (SIGTERM, SIGINT) stops the run early, as the deadline does.
    public func run(_ options: RunOptions) async -> RunReport {
        let clock = ContinuousClock()
        let start = clock.now
        let workDeadline = start.advanced(by: options.budget - options.reserve)
        let usageBefore = await queue.client.usage
        var report = RunReport(trigger: options.trigger, startedAtUnixMilliseconds: UnixTime.nowMilliseconds(), durationMilliseconds: 0, budgetMilliseconds: Int(options.budget.milliseconds))

        func finished(_ report: RunReport) async -> RunReport {
            var report = report
            let usage = await queue.client.usage.since(usageBefore)
            report.redisRequests = usage.requests
            report.redisCommands = usage.commands
            report.durationMilliseconds = Int(start.duration(to: clock.now).milliseconds)
            return report
        }
        func failed(_ report: RunReport, _ error: any TickError, reason: String) async -> RunReport {
            var report = report
            report.exitReason = reason
            report.exitCode = Int(error.exitCode.rawValue)
            report.error = error.description
            logger.error("run stopped", metadata: ["reason": "\(reason)", "error": "\(error.description)"])
            return await finished(report)
        }

        // 1. Claim: one request.
        let claim: JobQueue.Claim
        do {
            claim = try await queue.claim(
                queues: options.queues, batch: options.batch, lease: options.lease, nowMilliseconds: UnixTime.nowMilliseconds(), schedules: schedules,
                deadline: workDeadline)
        } catch {
            return await failed(report, error, reason: error.isUnauthorized ? "redis_auth" : error.isRedisError ? "redis_error" : "redis_unavailable")
        }
        report.claimed = claim.jobs.count
        report.jobsScheduled = claim.scheduled.count
        for id in claim.scheduled { logger.info("scheduled job enqueued", metadata: ["job.id": "\(id)"]) }
        report.jobsDead += claim.deadLettered.count
        for id in claim.deadLettered { logger.warning("job dead-lettered: its last attempt's lease expired", metadata: ["job.id": "\(id)"]) }
        guard !claim.jobs.isEmpty else {
            report.exitReason = "idle"
            return await finished(report)
        }

        // 2. PostgreSQL; if it cannot be had, hand every claimed job back in one request.
        func releaseAll(_ jobs: [JobQueue.ClaimedJob]) async {
            let acks = jobs.map { JobQueue.Acknowledgement(job: $0, outcome: .release) }
            if let applied = try? await queue.acknowledge(acks, nowMilliseconds: UnixTime.nowMilliseconds(), deadline: start.advanced(by: options.budget)) {
                report.jobsReleased += applied.filter { $0 }.count
            }
        }
        let connection: PostgresConnection
        let store: CheckpointStore
        let runID: Int64
        do {
            connection = try connect(max(.milliseconds(100), min(.seconds(5), clock.now.duration(to: workDeadline))))
            store = CheckpointStore(connection: connection)
            runID = try store.startRun(trigger: options.trigger, schedule: options.schedule, budgetMilliseconds: report.budgetMilliseconds, claimed: claim.jobs.count, startedAtUnixMilliseconds: report.startedAtUnixMilliseconds)
        } catch {
            await releaseAll(claim.jobs)
            return await failed(report, error, reason: error.exitCode == .schemaMismatch ? "schema_mismatch" : "postgres_unavailable")
        }
        defer { release(connection) }
        report.runID = runID

        // 3. Decode; dead-letter what cannot run; take the rest over in PostgreSQL and load their checkpoints.
        var acknowledgements: [JobQueue.Acknowledgement] = []
        var active: [ActiveJob] = []
        for claimed in claim.jobs {
            do {
                let spec = try JobSpec(json: claimed.json)
                guard let entry = registry[spec.handler] else {
                    let known = registry.names.isEmpty ? "none" : registry.names.joined(separator: ", ")
                    acknowledgements.append(.init(job: claimed, outcome: .dead(reason: "unknown handler \"\(spec.handler)\": configure it in the worker's config (known: \(known))")))
                    continue
                }
                active.append(ActiveJob(claimed: claimed, spec: spec, entry: entry))
            } catch {
                acknowledgements.append(.init(job: claimed, outcome: .dead(reason: "malformed job: \(error.reason)")))
            }
        }
        do {
            let checkpoints = try store.begin(active.map {
                CheckpointStore.JobStart(id: $0.claimed.id, queue: $0.claimed.queue, handler: $0.spec.handler, fence: $0.claimed.fence, itemsTotal: $0.spec.itemCount, attempt: $0.claimed.attempt, startCursor: $0.cursor)
            })
            for job in active {
                if let checkpoint = checkpoints[job.claimed.id] { job.resume(from: checkpoint) } else { job.stop(.lost) }
            }
        } catch {
            await releaseAll(claim.jobs)
            return await failed(report, error, reason: "postgres_unavailable")
        }

        // 4. Work through the items within the budget.
        var execution = Execution(jobs: active, store: store, runID: runID, options: options, deadline: workDeadline, logger: logger)
        await execution.run()
        report.itemsDone = execution.itemsDone
        report.itemsFailed = execution.itemsFailed
        report.firstItemMilliseconds = execution.firstItemStarted.map { start.duration(to: $0).milliseconds }

        // 5. Final commit with every job's new state, then one acknowledgement request for the batch.
        var finals: [(jobID: String, fence: Int64, state: String)] = []
        var pending: [(ActiveJob, JobQueue.Outcome)] = []
        for job in active {
            let outcome: JobQueue.Outcome
            switch job.verdict {
            case .lost?:
                report.jobsLost += 1
                logger.warning("job taken over by another run: its lease had expired; this run's late work was discarded", metadata: ["job.id": "\(job.claimed.id)"])
                continue
            case .dead(let reason)?:
                outcome = .dead(reason: reason)
            case .retry(let reason, let after)?:
                if job.claimed.attempt >= job.spec.maxAttempts {
                    outcome = .dead(reason: "attempts exhausted (\(job.claimed.attempt) of \(job.spec.maxAttempts)): \(reason)")
                } else {
                    var random = SystemRandomNumberGenerator()
                    let delay = after.map { Int($0.milliseconds) } ?? job.spec.backoff.delay(after: job.claimed.attempt, using: &random)
                    outcome = .retry(delayMilliseconds: delay, error: reason)
                }
            case .release?, nil:
                outcome = job.isComplete && job.verdict == nil ? .done : .release
            }
            let state: String =
                switch outcome {
                case .done: "done"
                case .dead: "dead"
                case .retry: "retrying"
                case .release: "released"
                }
            finals.append((job.claimed.id, job.claimed.fence, state))
            pending.append((job, outcome))
        }
        var postgresError: PostgresError? = execution.postgresError
        if postgresError == nil {
            do {
                let refused = try execution.flush(finals: finals)
                report.itemsDone = execution.itemsDone
                report.itemsFailed = execution.itemsFailed
                pending.removeAll { job, _ in
                    guard refused.contains(job.claimed.id) else { return false }
                    report.jobsLost += 1
                    return true
                }
            } catch {
                postgresError = error
            }
        }
        if postgresError != nil {
            // What this run did not commit must run again: hand every job back.
            pending = pending.map { ($0.0, .release) }
        }
        acknowledgements += pending.map { .init(job: $0.0.claimed, outcome: $0.1) }
        do {
            let applied = try await queue.acknowledge(acknowledgements, nowMilliseconds: UnixTime.nowMilliseconds(), deadline: start.advanced(by: options.budget))
            for (ack, ok) in zip(acknowledgements, applied) {
                guard ok else {
                    report.jobsLost += 1
                    continue
                }
                switch ack.outcome {
                case .done: report.jobsCompleted += 1
                case .retry: report.jobsRetried += 1
                case .dead(let reason):
                    report.jobsDead += 1
                    logger.warning("job dead-lettered", metadata: ["job.id": "\(ack.job.id)", "reason": "\(reason)"])
                case .release: report.jobsReleased += 1
                }
            }
        } catch {
            // The leases expire and the next run resumes every job from its checkpoint: nothing is lost.
            return await failed(report, error, reason: "redis_unavailable")
        }

        if let postgresError { return await failed(report, postgresError, reason: "postgres_unavailable") }
        if Task.isCancelled {
            report.exitReason = "interrupted"
            report.exitCode = Int(TickExitCode.interrupted.rawValue)
        } else if execution.stoppedEarly {
            report.exitReason = "budget"
        }
        report = await finished(report)
        do { try store.finishRun(runID, report: report) } catch {
            logger.warning("could not record the run's end", metadata: ["error": "\(error.description)"])
        }
        return report
    }
}
