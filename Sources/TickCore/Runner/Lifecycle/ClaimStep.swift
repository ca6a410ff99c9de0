import Logging

/// Step 1, claim: one request leases a batch, enqueues due schedule slots and takes back expired leases.
struct ClaimStep {
    let queue: any JobQueueing
    let schedules: [Schedule]
    /// The handlers this run can execute: the claim leases jobs of these only.
    let handlers: [String]
    /// Whether the run delivers alerts (the claim then hands back pending events).
    let alerts: Bool
    /// The flow limits the claim enforces.
    var limits = FlowLimits()

    /// What this run's claim (or, in a drain, the next run's) asks for: `batch` jobs at most.
    func request(_ ledger: RunLedger, batch: Int) -> JobQueue.ClaimRequest {
        let now = ledger.clock.unixMilliseconds
        return JobQueue.ClaimRequest(
            queues: ledger.options.queues, handlers: handlers, batch: batch, lease: ledger.options.lease, nowMilliseconds: now,
            schedules: schedules.map { $0.slots(nowMilliseconds: now) }, signals: .init(trigger: ledger.options.trigger, alerts: alerts, limits: limits))
    }

    /// The claim, or `nil` when Redis failed (the ledger then holds the failure).
    func run(_ ledger: inout RunLedger) async -> JobQueue.Claim? {
        let claim: JobQueue.Claim
        ledger.logger.debug(
            "claim sent", metadata: ["queues": "\(ledger.options.queues.joined(separator: ","))", "batch": "\(ledger.options.batch)", "handlers": "\(handlers.count)"])
        let sent = ledger.clock.now
        do {
            claim = try await queue.claim(request(ledger, batch: ledger.options.batch), deadline: ledger.workDeadline)
        } catch {
            _ = ledger.fail(error, reason: RunExitReason(redisFailure: error))
            return nil
        }
        ledger.logger.trace("redis request", metadata: ["op": "claim", "ms": "\(Int(sent.duration(to: ledger.clock.now).milliseconds))"])
        return record(claim, &ledger)
    }

    /// Takes in a claim: this run's own, or one the previous run of a drain made with its acknowledgement.
    func record(_ claim: JobQueue.Claim, _ ledger: inout RunLedger) -> JobQueue.Claim {
        ledger.observer?(.claimed(jobs: claim.jobs.count, readyLeft: claim.readyLeft))
        ledger.logger.debug(
            "claimed",
            metadata: [
                "jobs": "\(claim.jobs.count)", "queues": "\(ledger.options.queues.joined(separator: ","))", "batch": "\(ledger.options.batch)",
                "scheduled": "\(claim.scheduled.count)", "dead_lettered": "\(claim.deadLettered.count)",
                "paused": "\(claim.paused.joined(separator: ","))", "ready_left": "\(claim.readyLeft.map(String.init) ?? "?")",
                "ms": "\(Int(ledger.start.duration(to: ledger.clock.now).milliseconds))",
            ])
        ledger.report.claimed = claim.jobs.count
        ledger.alertEvents.formUnion(claim.alertEvents)
        ledger.report.jobsScheduled = claim.scheduled.count
        ledger.report.jobsDead += claim.deadLettered.count
        ledger.report.jobsSkipped = claim.skipped.reduce(0) { $0 + $1.ready }
        if !claim.skipped.isEmpty {
            let names = claim.skipped.map { "\($0.handler.isEmpty ? "(none)" : $0.handler) in \($0.queue): \($0.ready)" }.joined(separator: ", ")
            ledger.logger.warning(
                "ready jobs left alone: this run has no handler for them; configure the handler in the config file this run reads (or run them where it is)",
                metadata: ["handlers": "\(names)", "known": "\(handlers.joined(separator: ", "))"])
        }
        for id in claim.scheduled { ledger.logger.info("scheduled job enqueued", metadata: ["job.id": "\(id)"]) }
        for id in claim.overlapSkipped {
            ledger.logger.notice("schedule slot skipped: the schedule's previous job is still waiting or running (its \"overlap\")", metadata: ["job.id": "\(id)"])
        }
        for id in claim.deadLettered {
            ledger.logger.warning("job dead-lettered: its last attempt's lease expired", metadata: ["job.id": "\(id)"])
        }
        return claim
    }
}

extension RunExitReason {
    /// The reason a Redis failure (of the claim or the acknowledgement) ends a run with.
    public init(redisFailure error: UpstashError) {
        if error.isLayoutMismatch {
            self = .layoutMismatch
        } else if error.isLimit {
            self = .upstashLimit
        } else if error.isUnauthorized {
            self = .redisAuth
        } else if error.isRedisError {
            self = .redisError
        } else {
            self = .redisUnavailable
        }
    }
}
