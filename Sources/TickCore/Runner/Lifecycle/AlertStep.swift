import Logging

/// Step 9, alerts: after the run's work and report, delivers the events the claim and acknowledgement handed
/// back from the outbox (`job.dead`, and `run.failed` of earlier runs) and this run's own `run.failed`, within the
/// sinks' timeouts and the rest of the budget (at least a second). Settled outbox events are removed in one
/// request; this run's `run.failed`, when it could not be delivered, goes to the outbox in one request, so a later
/// run sends it. Nothing here changes the run's report or exit code.
struct AlertStep {
    let dispatcher: AlertDispatcher
    let queue: any JobQueueing

    func run(_ report: RunReport, pending: Set<String>, _ ledger: RunLedger) async {
        var events = pending.sorted().compactMap(AlertEvent.init(json:))
        let malformed = pending.subtracting(events.map(\.json))
        var own: AlertEvent?
        if report.exitCode != 0, report.exitReason != .interrupted, dispatcher.wants(.runFailed) {
            let event = AlertEvent.runFailed(report)
            own = event
            events.append(event)
        }
        guard !events.isEmpty || !malformed.isEmpty else { return }
        let longest = dispatcher.sinks.map(\.timeout).max() ?? AlertSink.defaultTimeout
        let left = ledger.clock.now.duration(to: ledger.budgetEnd)
        let deadline = ledger.clock.now.advanced(by: min(longest, max(left, .seconds(1))))
        let outcome = await dispatcher.deliver(events, by: deadline, logger: ledger.logger)
        let settled = outcome.settled.map(\.json).filter { pending.contains($0) } + malformed
        do {
            try await queue.removeAlerts(settled)
            if let own, outcome.pending.contains(where: { $0.id == own.id }) { try await queue.pushAlerts([own.json]) }
        } catch {
            ledger.logger.warning("alert outbox not updated: \(error.description); its events may be sent twice (receivers deduplicate by id)")
        }
    }
}
