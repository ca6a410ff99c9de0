import Logging

/// Step 5, commit: the last buffered items and every job's final state in one statement. A job whose write
/// is refused lost its lease (counted, not acknowledged); an unfinished job found cancel-requested now ends
/// cancelled. If PostgreSQL failed, during the run or now, every job is handed back instead: what this run did
/// not commit must run again.
struct CommitStep {
    /// The acknowledgements to send, and the PostgreSQL error that ends the run, if any.
    func run(_ completions: [JobCompleter.Completion], execution: inout Execution, _ ledger: inout RunLedger) async -> (
        acknowledgements: [JobQueue.Acknowledgement], failure: PostgresError?
    ) {
        var pending = completions
        var failure = execution.postgresError
        if failure == nil {
            do {
                let recording = try await execution.flush(finals: completions.map(\.final))
                pending.removeAll { completion in
                    guard recording.refused.contains(completion.job.claimed.id) else { return false }
                    ledger.report.jobsLost += 1
                    return true
                }
                pending = pending.map { completion in
                    guard recording.cancelRequested.contains(completion.job.claimed.id), completion.outcome != .done else { return completion }
                    return JobCompleter.Completion(job: completion.job, outcome: .cancel)
                }
            } catch {
                failure = error
            }
        }
        ledger.report.itemsDone = execution.itemsDone
        ledger.report.itemsFailed = execution.itemsFailed
        let acknowledgements = pending.map { JobQueue.Acknowledgement(job: $0.job.claimed, outcome: failure == nil ? $0.outcome : .release) }
        return (acknowledgements, failure)
    }
}
