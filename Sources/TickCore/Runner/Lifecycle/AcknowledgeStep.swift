import Logging

/// Step 6, acknowledge: one request ends every lease (done, retry, dead, release, cancel) and the report counts what
/// applied. An acknowledgement that does not apply means another run took the job over (counted as lost).
struct AcknowledgeStep {
    let queue: any JobQueueing
    /// Whether the run delivers alerts (the acknowledgement then hands back pending events).
    let alerts: Bool

    /// Acknowledges; returns `false` when Redis failed (the ledger then holds the failure; the leases expire
    /// and the next run resumes every job from its checkpoint: nothing is lost).
    /// With `next`, the same request claims the next run's batch (`tick drain`): the claim lands in
    /// ``RunLedger/nextClaim``, its failure included.
    func run(_ acknowledgements: [JobQueue.Acknowledgement], next: JobQueue.ClaimRequest? = nil, _ ledger: inout RunLedger) async -> Bool {
        let applied: [Bool]
        let tally = JobQueue.RunTally(
            itemsDone: ledger.report.itemsDone, itemsFailed: ledger.report.itemsFailed,
            durationMilliseconds: Int(ledger.start.duration(to: ledger.clock.now).milliseconds), usage: ledger.usage(), alerts: alerts)
        let sent = ledger.clock.now
        do {
            let answer: JobQueue.Acknowledged
            if let next {
                (answer, ledger.nextClaim) = try await queue.acknowledgeAndClaim(
                    acknowledgements, tally: tally, nowMilliseconds: ledger.clock.unixMilliseconds, next: next, deadline: ledger.budgetEnd)
            } else {
                answer = try await queue.acknowledge(acknowledgements, tally: tally, nowMilliseconds: ledger.clock.unixMilliseconds, deadline: ledger.budgetEnd)
            }
            applied = answer.applied
            ledger.alertEvents.formUnion(answer.alertEvents)
        } catch {
            _ = ledger.fail(error, reason: RunExitReason(redisFailure: error))
            return false
        }
        ledger.logger.trace("redis request", metadata: ["op": next == nil ? "acknowledge" : "acknowledge+claim", "ms": "\(Int(sent.duration(to: ledger.clock.now).milliseconds))"])
        ledger.logger.debug("acknowledged", metadata: ["jobs": "\(acknowledgements.count)", "applied": "\(applied.filter { $0 }.count)"])
        for (acknowledgement, ok) in zip(acknowledgements, applied) {
            guard ok else {
                ledger.report.jobsLost += 1
                ledger.logger.debug("job finished", metadata: ["job.id": "\(acknowledgement.job.id)", "verdict": "lost"])
                continue
            }
            ledger.logger.debug("job finished", metadata: ["job.id": "\(acknowledgement.job.id)", "verdict": "\(acknowledgement.outcome.kind.rawValue)"])
            ledger.observer?(.jobFinished(acknowledgement.outcome.kind))
            switch acknowledgement.outcome {
            case .done: ledger.report.jobsCompleted += 1
            case .retry: ledger.report.jobsRetried += 1
            case .dead(let reason):
                ledger.report.jobsDead += 1
                ledger.logger.warning("job dead-lettered", metadata: ["job.id": "\(acknowledgement.job.id)", "reason": "\(reason)"])
            case .release: ledger.report.jobsReleased += 1
            case .cancel:
                ledger.report.jobsCancelled += 1
                ledger.logger.info("job cancelled", metadata: ["job.id": "\(acknowledgement.job.id)"])
            }
        }
        return true
    }
}
